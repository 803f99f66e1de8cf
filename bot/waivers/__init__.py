"""Waivers: accepted risks, with a reason, an approver and an expiry. A waived finding is left out
of every non-compliant count and all-clear (and shown as waived) until its waiver expires."""
