"""Prints the hostile corpus's figures (slowest run, largest file) at the end of the session."""


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    s = getattr(config, "_hostile_summary", None)
    if not s:
        return
    tr = terminalreporter
    tr.section("hostile corpus: figures")
    tr.write_line(f"{s['files']} files ({s['books']} workbooks, {s['cases']} JSON cases), generated in "
                  f"{s['generation_s']} s; {s['runs']} runs, {s['crashed_runs']} interrupted")
    for label, f in (("slowest run", s["slowest"]), ("largest peak memory", s["largest_peak_memory"])):
        tr.write_line(f"{label}: {f['command']} {f['case']} — {f['seconds']} s CPU ({f['wall_seconds']} s wall), peak {f['peak_mb']} MB")
    big = s["largest_file"]
    for f in big["runs"]:
        tr.write_line(f"largest file ({big['bytes']:,} bytes): {f['command']} {f['case']} — {f['seconds']} s CPU "
                      f"({f['wall_seconds']} s wall), peak {f['peak_mb']} MB")
    tr.write_line(f"figures: {s['path']}")
