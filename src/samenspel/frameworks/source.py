"""Read a framework file (YAML) into plain data, remembering the line of every value."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

Path_ = tuple[str | int, ...]


class _Loader(yaml.SafeLoader):
    """A safe loader that keeps dates and times as text, so the validator reports bad dates."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass
class Problem:
    """One thing wrong with a framework file, in plain words."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


@dataclass
class SourceDocument:
    """The parsed document, with the line of every path and the problems found while reading."""

    file: str
    data: Any = None
    lines: dict[Path_, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def line_of(self, path: Path_) -> int:
        """Return the line of `path`, or of its nearest parent that has one."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


def dotted(path: Path_) -> str:
    """Render a path as `measures[3].legal_basis.text`."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _walk(node: yaml.Node, path: Path_, doc: SourceDocument) -> Any:
    doc.lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                doc.problems.append(
                    Problem(
                        doc.file,
                        key_node.start_mark.line + 1,
                        dotted(path),
                        "a key must be plain text",
                    )
                )
                continue
            key = str(key_node.value)
            if key in result:
                doc.problems.append(
                    Problem(
                        doc.file,
                        key_node.start_mark.line + 1,
                        dotted((*path, key)),
                        "this key appears twice in the same block",
                    )
                )
            result[key] = _walk(value_node, (*path, key), doc)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_walk(item, (*path, i), doc) for i, item in enumerate(node.value)]
    loader = _Loader("")
    return loader.construct_object(node, deep=True)


def read(text: str, *, file: str) -> SourceDocument:
    """Parse YAML text; syntax errors become problems, never exceptions."""
    doc = SourceDocument(file=file)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        reason = exc.problem or "the file is not valid YAML"
        doc.problems.append(Problem(file, line, "", f"not valid YAML: {reason}"))
        return doc
    except yaml.YAMLError as exc:
        doc.problems.append(Problem(file, 0, "", f"not valid YAML: {exc}"))
        return doc
    if node is None:
        doc.problems.append(Problem(file, 1, "", "the file is empty"))
        return doc
    try:
        doc.data = _walk(node, (), doc)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        doc.problems.append(Problem(file, line, "", f"not valid YAML: {exc.problem or exc}"))
    except (yaml.YAMLError, ValueError, TypeError) as exc:
        doc.problems.append(Problem(file, 0, "", f"not valid YAML: {exc}"))
    return doc
