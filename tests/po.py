"""A tiny reader for gettext .po files (enough for our catalogues: context, plural, fuzzy, references)."""

import ast
from dataclasses import dataclass, field


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict = field(default_factory=dict)  # index → text; 0 for singular
    references: list = field(default_factory=list)
    flags: set = field(default_factory=set)

    @property
    def key(self):
        return (self.msgctxt, self.msgid)

    @property
    def translated(self):
        return bool(self.msgstr) and all(text.strip() for text in self.msgstr.values())


def read_po(path):
    """The entries of ``path`` (the header entry, msgid "", is left out)."""
    entries, entry, last = [], Entry(), None

    def flush():
        nonlocal entry
        if entry.msgid:
            entries.append(entry)
        entry = Entry()

    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            flush()
            last = None
        elif line.startswith("#:"):
            entry.references.extend(ref.rsplit(":", 1)[0] for ref in line[2:].split())
        elif line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if last[0] == "msgstr":
                entry.msgstr[last[1]] += value
            else:
                setattr(entry, last[0], getattr(entry, last[0]) + value)
        else:
            keyword, value = line.split(" ", 1)
            value = ast.literal_eval(value)
            if keyword.startswith("msgstr"):
                index = int(keyword[7:-1]) if "[" in keyword else 0
                entry.msgstr[index] = value
                last = ("msgstr", index)
            else:
                setattr(entry, keyword, value)
                last = (keyword, None)
    return entries
