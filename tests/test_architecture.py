"""The shape of the code base, checked on its import graph (grimp, import-linter's graph builder)."""
import pkgutil
import tomllib
from pathlib import Path

import grimp
import pytest

import yibao.cases

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph("yibao", cache_dir=None)


def _cycles(modules, imports_of):
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = 0
    for root in sorted(modules):
        if root in index:
            continue
        work = [(root, iter(sorted(imports_of(root))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(imports_of(child)))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_two_modules_import_each_other_in_a_loop(graph):
    assert _cycles(graph.modules, graph.find_modules_directly_imported_by) == []


def test_the_loop_finder_finds_a_loop_and_only_the_loop():
    imports = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"a"}}
    assert _cycles(imports, imports.get) == [["a", "b", "c"]]
    imports["c"] = {"d"}
    assert _cycles(imports, imports.get) == []


def test_every_engine_module_but_the_face_is_protected():
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    protected = next(c for c in contracts if c["type"] == "protected")["protected_modules"]
    engine = {f"yibao.cases.{m.name}" for m in pkgutil.iter_modules(yibao.cases.__path__)}
    assert engine - set(protected) == {"yibao.cases.interface"}


def test_outside_the_engine_only_the_web_layers_the_command_line_and_the_demo_pass_its_face(graph):
    """Any other app (a domain present or to come) imports the engine through yibao.cases.interface."""
    engine = graph.find_descendants("yibao.cases") - {"yibao.cases.interface"}
    allowed = ("yibao.cases", "yibao.portal", "yibao.workbench", "yibao.api", "yibao.cli", "yibao.demo")
    passing = sorted(
        module for module in graph.modules
        if not module.startswith(allowed) and ".migrations." not in module
        and graph.find_modules_directly_imported_by(module) & engine
    )
    assert passing == []
