"""The staff roles: one group each, created by `campaigns/migrations/0007_staff_roles.py`.

Each role holds exactly the permissions its work needs (docs/security.md, "Staff
roles"). The migration keeps a frozen copy of this table, as migrations must not import
code that changes later; `campaigns/tests/test_privilege_matrix.py` checks that the two
agree and that the groups in the database hold exactly these permissions. A change of
role is a new migration that updates the groups, and this table with it.

The roles live in the campaigns app because they use the permissions of both apps
(`square` never imports `campaigns`).
"""

OPERATIONS = "运营"
FULFILMENT = "客服/履约"
MODERATION = "审核"
USER_MANAGEMENT = "用户管理"
SUPERADMIN = "超级管理员"
ALL = "*"  # every permission there is

ROLES: dict[str, tuple[str, ...]] = {
    # Campaigns: create, schedule and edit them with their tiers and prizes, close,
    # draw, publish; read entries, awards (codes masked, no addresses) and the records.
    OPERATIONS: (
        "campaigns.add_campaign",
        "campaigns.change_campaign",
        "campaigns.delete_campaign",  # drafts only (CampaignAdmin.has_delete_permission)
        "campaigns.view_campaign",
        "campaigns.add_rewardtier",
        "campaigns.change_rewardtier",
        "campaigns.delete_rewardtier",
        "campaigns.view_rewardtier",
        "campaigns.add_prize",
        "campaigns.change_prize",
        "campaigns.delete_prize",
        "campaigns.view_prize",
        "campaigns.view_entry",
        "campaigns.view_award",
        "campaigns.view_awarditem",
        "campaigns.close_campaign",
        "campaigns.run_draw",
        "campaigns.publish_results",
        "campaigns.view_snapshot",
        "campaigns.view_tierdraw",
        "campaigns.view_auditevent",
    ),
    # Rewards: see the awards and ship them; the only role that sees shipping addresses
    # and full voucher codes.
    FULFILMENT: (
        "campaigns.view_campaign",
        "campaigns.view_award",
        "campaigns.view_awarditem",
        "campaigns.change_award",
        "campaigns.view_shipping_address",
        "campaigns.view_voucher_code",
    ),
    # Moderation: the queue (reports, appeals, duplicate flags, decisions, banning a
    # post's author), hiding and restoring posts and comments, hidden posts and their
    # revisions on the site and in the admin.
    MODERATION: (
        "square.moderate",
        "square.view_post",
        "square.view_comment",
        "square.view_postrevision",
    ),
    # Accounts: find members, deactivate them, edit their profile, ban and unban.
    USER_MANAGEMENT: (
        "square.view_user",
        "square.change_user",
        "square.ban_user",
    ),
    SUPERADMIN: (ALL,),
}
