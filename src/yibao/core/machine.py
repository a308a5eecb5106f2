"""A state machine as data: the states, the moves (state, action) -> the state(s) it may lead to,
and the named error a refused move raises. The case engine, payment orders, enrolments and the
status of employers, persons and credentials each declare one; their actions ask it before they
change a row. A self-loop (a state to itself) is an action the state allows without changing."""


class Machine:
    def __init__(self, moves, *, error, refusal, names=("state", "action")):
        """`moves`: {(state, action): a state, or a set of the states the action chooses from};
        `error`: the NamedError class a refused move raises; `refusal(state, action)`: its Chinese
        message; `names`: the keys the error's details give the state and the action under (None:
        the error carries no details, as the register checks never did)."""
        self.moves = {key: frozenset(to) if isinstance(to, (set, frozenset)) else frozenset({to})
                      for key, to in moves.items()}
        self.error = error
        self.refusal = refusal
        self.names = names

    def targets(self, state, action):
        return self.moves.get((state, action), frozenset())

    def allows(self, state, action):
        return bool(self.targets(state, action))

    def actions_from(self, state):
        """The actions allowed in `state`, in the order the table declares them."""
        return [a for (s, a) in self.moves if s == state]

    def move(self, state, action, target=None, *, message=None, **details):
        """The state `action` leads to from `state` (`target` picks one where the action may lead
        to several); the machine's error, with `message` or its own, when the table refuses it."""
        targets = self.targets(state, action)
        if target is None and len(targets) == 1:
            target = next(iter(targets))
        if target not in targets:
            names = dict(zip(self.names, (str(state), str(action)))) if self.names else {}
            raise self.error(message or self.refusal(state, action), **names, **details)
        return target
