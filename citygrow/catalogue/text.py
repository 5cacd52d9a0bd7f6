"""The plain-text layout of toolkit texts (docs/toolkit-format.md, "Text layout").

A blank line separates paragraphs; lines that start with "- " make a bulleted list.
"""

from dataclasses import dataclass, field


@dataclass
class Block:
    kind: str  # "paragraph" or "list"
    lines: list[str] = field(default_factory=list)


def blocks(text: str) -> list[Block]:
    """Split a text into paragraphs and bulleted lists, in order."""
    result: list[Block] = []
    current: Block | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            current = None
            continue
        if line.startswith("- "):
            if current is None or current.kind != "list":
                current = Block("list")
                result.append(current)
            current.lines.append(line[2:].strip())
        elif current is not None and current.kind == "paragraph":
            current.lines.append(line)
        elif current is not None and current.kind == "list" and raw.startswith("  "):
            # A wrapped bullet: continues the last item.
            current.lines[-1] += " " + line
        else:
            current = Block("paragraph", [line])
            result.append(current)
    return result
