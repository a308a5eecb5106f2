"""core.machine: states, moves and the named error a refused move raises."""
import pytest

from yibao.core.errors import NamedError
from yibao.core.machine import Machine


class Refused(NamedError):
    code = "refused"


DOOR = Machine(
    {("shut", "open"): "open", ("open", "shut"): "shut", ("open", "leave"): {"open", "shut"}, ("shut", "knock"): "shut"},
    error=Refused, refusal=lambda state, action: f"门{state}时不能{action}",
)


def test_a_move_the_table_allows_leads_to_its_state():
    assert DOOR.move("shut", "open") == "open"
    assert DOOR.move("shut", "knock") == "shut"  # a self-loop: allowed, nothing changes
    assert DOOR.move("open", "leave", "shut") == "shut"  # where the action leads to several, the caller picks


def test_a_refused_move_raises_the_machines_error_with_its_details():
    with pytest.raises(Refused) as refused:
        DOOR.move("open", "open")
    assert refused.value.message == "门open时不能open"
    assert refused.value.details == {"state": "open", "action": "open"}
    with pytest.raises(Refused, match="另说"):
        DOOR.move("shut", "shut", message="另说")


def test_an_action_leading_to_several_states_needs_one_of_them():
    for target in (None, "ajar"):
        with pytest.raises(Refused):
            DOOR.move("open", "leave", target)


def test_allows_targets_and_actions_from_read_the_table():
    assert DOOR.allows("shut", "open") and not DOOR.allows("shut", "leave")
    assert DOOR.targets("open", "leave") == {"open", "shut"}
    assert DOOR.actions_from("open") == ["shut", "leave"]


def test_without_names_the_error_carries_no_details():
    quiet = Machine({("a", "go"): "b"}, error=Refused, refusal=lambda s, a: "不行", names=None)
    with pytest.raises(Refused) as refused:
        quiet.move("b", "go")
    assert refused.value.details == {}
