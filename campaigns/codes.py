"""Voucher codes are money: shown in full only to their winner and to staff with
`campaigns.view_voucher_code` (the fulfilment role); everyone else sees them masked,
in the admin's lists and pages and in the CSV export alike."""

CODE_PERMISSION = "campaigns.view_voucher_code"


def mask_code(code: str | None) -> str:
    """`ABCD-…-WXYZ`: enough to tell codes apart in a list, not enough to use one."""
    if not code:
        return ""
    compact = code.replace("-", "")
    if len(compact) <= 8:
        return "…"
    return f"{compact[:4]}-…-{compact[-4:]}"


def can_see_codes(actor) -> bool:
    """The command line (no actor) may; staff need `view_voucher_code`."""
    return actor is None or actor.has_perm(CODE_PERMISSION)


def code_for(actor_may_see: bool, code: str | None) -> str:
    return (code or "") if actor_may_see else mask_code(code)
