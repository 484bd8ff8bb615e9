"""Print the labelled set's table after the run, when its tests ran (`make test`)."""

from square.tests.integrity import cost, evaluate, simhash


def pytest_terminal_summary(terminalreporter):
    if not evaluate.run.cache_info().currsize:  # the integrity tests were not run
        return
    terminalreporter.write_sep("-", "near-duplicate detection, measured on the labelled set")
    lines = evaluate.table(evaluate.run())
    if simhash.run.cache_info().currsize:
        lines += simhash.table(simhash.run())
    lines.append(cost.report())
    for line in lines:
        terminalreporter.write_line(line)
