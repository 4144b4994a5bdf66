"""No test waits less than 30 s for something a busy machine may delay (issue 22).

A wait for something asynchronous (a worker, a process, a socket, a log line) polls until a
deadline of at least 30 s, so a fast machine stays fast and two busy CPUs do not fail the suite.
This scans the tests for literal waits below that: a ``timeout=`` argument or default, a
``…TIMEOUT``/``PATIENCE`` constant, a ``time.monotonic() + N`` deadline. Playwright counts in
milliseconds (``tests/browser``). A sleep that waits for something *not* to happen (a late
duplicate) is no wait for something and is not counted.
"""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
LEAST_SECONDS = 30


def _seconds(node, *, milliseconds):
    """The number of seconds a literal stands for, or None if it is no literal number."""
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return node.value / 1000 if milliseconds else node.value
    return None


def _timeout_name(name):
    return name == "timeout" or name.endswith("_timeout") or name.upper().endswith("TIMEOUT")


def _assigned(node):
    """``[(target, value)]`` of an assignment, tuples unpacked (``a, b = 1, 2``)."""
    pairs = []
    for target in node.targets:
        if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
            pairs += zip(target.elts, node.value.elts, strict=False)
        else:
            pairs.append((target, node.value))
    return pairs


def _short_waits(source, name, *, milliseconds=False):
    """``["name:line: what = N s"]`` for every literal wait under 30 s in ``source``."""
    found = []

    def check(node, value, what):
        seconds = _seconds(value, milliseconds=milliseconds)
        if seconds is not None and seconds < LEAST_SECONDS:
            found.append(f"{name}:{node.lineno}: {what} = {seconds:g} s")

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg and _timeout_name(keyword.arg):
                    check(node, keyword.value, keyword.arg)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            arguments = node.args
            positional = arguments.posonlyargs + arguments.args
            with_default = positional[len(positional) - len(arguments.defaults) :]
            pairs = list(zip(with_default, arguments.defaults, strict=True))
            pairs += [
                (a, d)
                for a, d in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True)
                if d
            ]
            for argument, default in pairs:
                if _timeout_name(argument.arg):
                    check(node, default, f"default {argument.arg}")
        elif isinstance(node, ast.Assign):
            for target, value in _assigned(node):
                assigned = getattr(target, "id", None) or getattr(target, "attr", None) or ""
                if _timeout_name(assigned) or assigned.upper() == "PATIENCE":
                    check(node, value, assigned)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            call = node.left
            if (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Attribute)
                and call.func.attr == "monotonic"
            ):
                check(node, node.right, "deadline time.monotonic() +")
    return found


def test_no_test_waits_less_than_30_seconds_for_something_asynchronous():
    found = [
        wait
        for path in sorted(TESTS.rglob("*.py"))
        for wait in _short_waits(
            path.read_text(),
            str(path.relative_to(TESTS.parent)),
            milliseconds="browser" in path.relative_to(TESTS).parts,
        )
    ]
    assert not found, "waits shorter than 30 s (poll until a deadline ≥ 30 s):\n" + "\n".join(found)


def test_the_scan_finds_short_waits():
    probe = (
        "import time\n"
        "PATIENCE = 5\n"
        "def wait(predicate, timeout=2):\n"
        "    deadline = time.monotonic() + 3\n"
        "    wait_until(predicate, timeout=1, message='x')\n"
        "    settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = False, 4\n"
        "    wait_until(predicate, timeout=30)\n"
    )
    found = _short_waits(probe, "probe.py")
    assert sorted(line.split(": ", 1)[0] for line in found) == [
        f"probe.py:{n}" for n in (2, 3, 4, 5, 6)
    ]
    browser = _short_waits(
        "page.wait_for_selector('h1', timeout=5000)\n", "b.py", milliseconds=True
    )
    assert browser == ["b.py:1: timeout = 5 s"]
