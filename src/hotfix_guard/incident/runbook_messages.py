"""The runbook's three status messages (initial alert, update, resolution): the default wording.

Each is a template whose fields git fills where it can (severity, service, duration, resolution,
when the next update is due); a field git cannot fill keeps the runbook's own placeholder
(`[service]`, `[Brief description]`, `[Time estimate]`), so a message posted in a hurry shows what
is missing instead of hiding it. `--impact` and `--eta` fill the two that only people know.
The update message serves both `identified` and `monitoring`; only its Status line differs.
"""

from __future__ import annotations

from datetime import timedelta

# The runbook's wording, field for field. Templates in config replace them by state.
TEMPLATES: dict[str, str] = {
    "investigating": (
        "🚨 [{severity}] Investigating issues with {service}\n"
        "\n"
        "Impact: {impact_text}\n"
        "Status: Investigating\n"
        "ETA: {eta}\n"
        "\n"
        "Updates to follow."
    ),
    "identified": (
        "🔄 [{severity}] Update on {service} issue\n"
        "\n"
        "Status: {status}\n"
        "Impact: {impact_text}\n"
        "ETA: {eta}\n"
        "\n"
        "Next update in {next_update} minutes."
    ),
    "resolved": (
        "✅ [{severity}] Resolved: {service} issue\n"
        "\n"
        "Duration: {duration}\n"
        "Resolution: {resolution}\n"
        "\n"
        "Postmortem to follow within {postmortem_due}."
    ),
}
TEMPLATES["monitoring"] = TEMPLATES["identified"]

# The Status line of the update message, by state.
STATUS_LINES = {
    "investigating": "Investigating",
    "identified": "Root cause identified, fix in progress",
    "monitoring": "Fix deployed, monitoring the results",
    "resolved": "Resolved",
}

# What a field git cannot fill shows: the runbook's placeholder in that message.
PLACEHOLDERS: dict[str, dict[str, str]] = {
    "investigating": {"impact_text": "[Brief description]", "eta": "Unknown"},
    "identified": {
        "impact_text": "[Updated impact]",
        "eta": "[Time estimate]",
        "next_update": "[X]",
    },
    "resolved": {"duration": "[X hours Y minutes]", "resolution": "[Brief description]"},
}
PLACEHOLDERS["monitoring"] = PLACEHOLDERS["identified"]


def placeholder(state: str, field: str) -> str:
    """The runbook's placeholder for FIELD in STATE's message; `[field]` for the others."""
    return PLACEHOLDERS.get(state, {}).get(field, f"[{field}]")


def hours_and_minutes(span: timedelta) -> str:
    """`1 hour 25 minutes`, `45 minutes`, `26 hours`: the runbook's `[X hours Y minutes]`."""
    minutes = max(int(span.total_seconds() // 60), 0)
    hours, minutes = divmod(minutes, 60)
    parts = [
        f"{hours} hour{'s' if hours != 1 else ''}" if hours else "",
        f"{minutes} minute{'s' if minutes != 1 else ''}" if minutes or not hours else "",
    ]
    return " ".join(part for part in parts if part)
