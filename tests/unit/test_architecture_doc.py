"""docs/architecture.md stays true to the tree, and the layers keep to their imports.

The module map must name every package and module under ``src/kuzet`` (``__init__.py`` files and the
Alembic revisions in ``migrations/versions`` excepted), every path the document names must exist, no
kernel module of a layer with capability folders may carry a capability's name as a prefix, and the
inner layers must not import the outer ones. Imports are read with ``ast``; nothing is imported.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "kuzet"
DOC = ROOT / "docs" / "architecture.md"

# Layers whose capabilities each have a folder; the modules directly inside are the shared kernel.
CAPABILITY_LAYERS = ("domain", "services", "adapters/store")
# What each inner layer may import of Kuzet (a module of its own layer is always allowed).
ALLOWED_IMPORTS = {
    "domain": ("kuzet.domain", "kuzet.errors"),
    "services": ("kuzet.domain", "kuzet.services", "kuzet.errors"),
    "vision": ("kuzet.domain", "kuzet.vision", "kuzet.errors"),
}
# Folders that exist only at run time (data, caches), so the document may name them.
RUNTIME_ROOTS = ("var/",)

LINK = re.compile(r"\]\(([^)\s]+)\)")
CODE_SPAN = re.compile(r"`([^`\n]+)`")
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
FENCED_PATH = re.compile(r"\b[\w-]+(?:/[\w-]+)*/[\w-]+\.py\b")
HEADING = re.compile(r"^#{1,6} (.+)$", re.MULTILINE)


def migration_versions(package: Path) -> Path:
    return package / "adapters" / "store" / "migrations" / "versions"


def mapped_modules(package: Path) -> list[Path]:
    """Every module the map must name: ``__init__.py`` files and migration revisions left out."""
    versions = migration_versions(package)
    return sorted(
        path
        for path in package.rglob("*.py")
        if path.name != "__init__.py" and versions not in path.parents and "__pycache__" not in path.parts
    )


def mapped_packages(package: Path) -> list[Path]:
    """Every package the map must name (the revisions folder itself included, not what is under it)."""
    versions = migration_versions(package)
    return sorted(init.parent for init in package.rglob("__init__.py") if versions not in init.parent.parents)


def section(text: str, title: str) -> str:
    """The text under ``## title`` up to the next heading of the same level."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.MULTILINE | re.DOTALL)
    assert match, f"{DOC.name} has no '## {title}' section"
    return match.group(1)


def local_links(text: str) -> Iterator[str]:
    """Link targets that point into the repository (no scheme), without their #fragment."""
    for target in LINK.findall(text):
        if "://" in target or target.startswith(("mailto:", "#")):
            continue
        yield target.split("#", 1)[0]


def link_targets(text: str, doc_dir: Path) -> set[Path]:
    return {(doc_dir / target).resolve() for target in local_links(text)}


def relative(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix() + ("/" if path.is_dir() else "")


def missing_from_map(package: Path, doc: Path) -> list[str]:
    """Modules and packages under ``package`` that the module map of ``doc`` does not link."""
    linked = link_targets(section(doc.read_text(encoding="utf-8"), "Module map"), doc.parent)
    wanted = mapped_modules(package) + mapped_packages(package)
    return [relative(path, package.parents[1]) for path in wanted if path.resolve() not in linked]


def slug(heading: str) -> str:
    """GitHub's anchor for a heading (enough for the plain headings this document links to)."""
    plain = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).strip().lower()
    return re.sub(r"[^\w\- ]", "", plain).replace(" ", "-")


def path_like(span: str) -> bool:
    """A code span that names a file or folder of the repository (not a URL, pattern or placeholder)."""
    return (
        "/" in span
        and not re.search(r"[\s<>{}*:…=]", span)
        and not span.startswith(("/", ".", *RUNTIME_ROOTS))
    )


def missing_paths(doc: Path, root: Path) -> list[str]:
    """Paths ``doc`` links or names that do not exist (names are read from the root or the package)."""
    text = doc.read_text(encoding="utf-8")
    problems = [
        f"link ({target})" for target in local_links(text) if target and not (doc.parent / target).exists()
    ]
    anchors = {slug(heading) for heading in HEADING.findall(text)}
    problems += [
        f"link ({target}): no such heading"
        for target in LINK.findall(text)
        if target.startswith("#") and target[1:] not in anchors
    ]
    fenced = "\n".join(FENCE.findall(text))
    names = [span for span in CODE_SPAN.findall(FENCE.sub("", text)) if path_like(span)]
    names += FENCED_PATH.findall(fenced)
    package = root / "src" / "kuzet"
    problems += [f"`{name}`" for name in names if not ((root / name).exists() or (package / name).exists())]
    return sorted(set(problems))


def capability_prefixed(package: Path, layer: str) -> list[str]:
    """Kernel modules of ``layer`` named after one of its capability folders (``fleet_tables.py``)."""
    layer_dir = package / layer
    capabilities = sorted(child.name for child in layer_dir.iterdir() if (child / "__init__.py").is_file())
    found = []
    for module in sorted(layer_dir.glob("*.py")):
        for capability in capabilities:
            if module.name.startswith((f"{capability}_", f"{capability.removesuffix('s')}_")):
                found.append(f"{relative(module, package.parents[1])}: belongs in {layer}/{capability}/")
                break
    return found


def module_name(path: Path, src: Path) -> list[str]:
    parts = list(path.relative_to(src).with_suffix("").parts)
    return parts[:-1] if parts[-1] == "__init__" else parts


def imported_modules(path: Path, src: Path) -> Iterator[tuple[int, str]]:
    """(line, absolute module name) for every import in ``path``, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    name = module_name(path, src)
    package = name if path.name == "__init__.py" else name[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                yield node.lineno, node.module or ""
                continue
            base = package[: len(package) - node.level + 1]
            if node.module:
                yield node.lineno, ".".join([*base, node.module])
            else:
                for alias in node.names:
                    yield node.lineno, ".".join([*base, alias.name])


def layering_violations(package: Path, layer: str, allowed: tuple[str, ...]) -> list[str]:
    src = package.parent
    found = []
    for path in sorted((package / layer).rglob("*.py")):
        for line, imported in imported_modules(path, src):
            if imported.split(".")[0] != "kuzet":
                continue
            if not any(imported == ok or imported.startswith(f"{ok}.") for ok in allowed):
                found.append(f"{relative(path, package.parents[1])}:{line} imports {imported}")
    return found


def test_every_module_and_package_is_in_the_module_map() -> None:
    missing = missing_from_map(PACKAGE, DOC)
    assert not missing, (
        "docs/architecture.md's module map does not link these (add one line each, under its layer):\n  "
        + "\n  ".join(missing)
    )


def test_every_path_the_doc_names_exists() -> None:
    missing = missing_paths(DOC, ROOT)
    assert not missing, "docs/architecture.md names paths that do not exist:\n  " + "\n  ".join(missing)


def test_no_kernel_module_carries_a_capability_prefix() -> None:
    prefixed = [name for layer in CAPABILITY_LAYERS for name in capability_prefixed(PACKAGE, layer)]
    assert not prefixed, (
        "a capability prefix stands in for a folder; move these into their capability's folder:\n  "
        + "\n  ".join(prefixed)
    )


def test_inner_layers_import_no_outer_layer() -> None:
    violations = [
        f"{found} (kuzet.{layer} may import only {', '.join(allowed)})"
        for layer, allowed in ALLOWED_IMPORTS.items()
        for found in layering_violations(PACKAGE, layer, allowed)
    ]
    assert not violations, "imports against the layering:\n  " + "\n  ".join(violations)


# The checks must be able to fail: each one on a small fake tree with the fault it looks for.


def fake_tree(tmp_path: Path) -> tuple[Path, Path]:
    package = tmp_path / "src" / "kuzet"
    for folder in ("", "domain", "domain/cameras", "services", "adapters", "adapters/store"):
        (package / folder).mkdir(parents=True, exist_ok=True)
        (package / folder / "__init__.py").write_text("")
    (package / "domain" / "cameras" / "model.py").write_text("")
    (package / "domain" / "geo.py").write_text("")
    doc = tmp_path / "docs" / "architecture.md"
    doc.parent.mkdir()
    return package, doc


def test_a_module_missing_from_the_map_is_named(tmp_path: Path) -> None:
    package, doc = fake_tree(tmp_path)
    links = [
        f"[x](../src/kuzet/{name})"
        for name in ("", "domain/", "domain/cameras/", "services/", "adapters/", "adapters/store/")
    ]
    doc.write_text(
        "# Doc\n\n## Module map\n\n" + "\n".join(links) + "\n[x](../src/kuzet/domain/geo.py)\n\n## Next\n"
    )
    assert missing_from_map(package, doc) == ["src/kuzet/domain/cameras/model.py"]


def test_a_path_that_is_not_there_is_named(tmp_path: Path) -> None:
    _, doc = fake_tree(tmp_path)
    doc.write_text(
        "# Doc\n\n## Top\n\n[ok](../src/kuzet/domain/geo.py) [gone](../src/kuzet/domain/gone.py) "
        "[up](#top) [down](#nowhere) `domain/geo.py` `domain/ghost.py` `var/models` `domain/<cap>/`\n"
    )
    assert missing_paths(doc, tmp_path) == [
        "`domain/ghost.py`",
        "link (#nowhere): no such heading",
        "link (../src/kuzet/domain/gone.py)",
    ]


def test_a_capability_prefix_is_named(tmp_path: Path) -> None:
    package, _ = fake_tree(tmp_path)
    (package / "domain" / "cameras_health.py").write_text("")
    (package / "domain" / "camera_tables.py").write_text("")
    assert capability_prefixed(package, "domain") == [
        "src/kuzet/domain/camera_tables.py: belongs in domain/cameras/",
        "src/kuzet/domain/cameras_health.py: belongs in domain/cameras/",
    ]


def test_an_import_against_the_layering_is_named(tmp_path: Path) -> None:
    package, _ = fake_tree(tmp_path)
    (package / "domain" / "cameras" / "model.py").write_text(
        "from kuzet.domain.geo import GeoPoint\n"
        "from ...services import ports\n"
        "def f() -> None:\n"
        "    import kuzet.adapters.store\n"
    )
    assert layering_violations(package, "domain", ALLOWED_IMPORTS["domain"]) == [
        "src/kuzet/domain/cameras/model.py:2 imports kuzet.services",
        "src/kuzet/domain/cameras/model.py:4 imports kuzet.adapters.store",
    ]
