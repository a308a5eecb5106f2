"""What the engine tells the rest of the system, always after commit (never for a rolled-back change)."""
from django.dispatch import Signal

# kwargs: case_id, event_id, action, state. Portal, API and domains listen; the engine sends it
# through transaction.on_commit only.
case_changed = Signal()
