"""The staff roles as groups (issue 15), and `campaigns.view_voucher_code`.

Permissions are normally created after `migrate` (post_migrate), so this creates them
first for every app (the migration depends on every app that has models, so the
superadmin group gets every permission there is). The table is a frozen copy of `campaigns.roles.ROLES` (the tests
check that the two agree).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ALL = "*"
ROLES = {
    "运营": (
        "campaigns.add_campaign",
        "campaigns.change_campaign",
        "campaigns.delete_campaign",
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
    "客服/履约": (
        "campaigns.view_campaign",
        "campaigns.view_award",
        "campaigns.view_awarditem",
        "campaigns.change_award",
        "campaigns.view_shipping_address",
        "campaigns.view_voucher_code",
    ),
    "审核": (
        "square.moderate",
        "square.view_post",
        "square.view_comment",
        "square.view_postrevision",
    ),
    "用户管理": (
        "square.view_user",
        "square.change_user",
        "square.ban_user",
    ),
    "超级管理员": (ALL,),
}


def create_all_permissions(apps):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def roles_create(apps, schema_editor):
    create_all_permissions(apps)
    groups_create(apps)


def groups_create(apps):
    """Each role's group with exactly its permissions (the tests call it again after a
    transactional test's flush, which brings back the permissions but not the groups)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        if wanted == (ALL,):
            group.permissions.set(Permission.objects.all())
            continue
        found = []
        for full in wanted:
            app_label, codename = full.split(".")
            found.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(found)


def roles_delete(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(ROLES)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("square", "0007_staff_permissions"),
        ("campaigns", "0006_entry_first_valid"),
        # Every app with models, so that the superadmin group gets every permission.
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("sessions", "0001_initial"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="campaign",
            options={
                "ordering": ["-starts_at"],
                "permissions": [
                    ("close_campaign", "Can close a campaign"),
                    ("run_draw", "Can run a campaign's draws"),
                    ("publish_results", "Can publish a campaign's results"),
                    ("view_shipping_address", "Can see winners' shipping addresses"),
                    ("view_voucher_code", "Can see winners' full voucher codes"),
                ],
                "verbose_name": "campaign",
                "verbose_name_plural": "campaigns",
            },
        ),
        migrations.RunPython(roles_create, roles_delete),
    ]
