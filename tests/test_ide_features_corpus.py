"""The navigation features over upstream's real profiles, and over text cut at every byte.

Every policy file of `upstream/profiles/apparmor.d` is analysed as the language server
does (includes resolved against the profile tree, the workspace policy built from every
profile) and each feature is asked about it: hover and definition at the start of every
highlighted token, semantic tokens, folds, symbols, links and inlay hints.  Nothing may
raise, a hover must explain a range holding the cursor, and definitions must point into
documents that exist.  Then one profile is cut short at every byte, as a user typing it
would leave it, and hover and definition are asked at the cut: half-typed rules must not
break them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from armorsmith.engine import build_policy
from armorsmith.ide import navigation
from armorsmith.ide.context import DocumentContext, Project
from armorsmith.ide.hover import hover
from armorsmith.ide.inlay import inlay_hints
from armorsmith.ide.structure import folding_ranges
from armorsmith.ide.symbols import document_symbols
from armorsmith.ide.tokens import semantic_tokens
from armorsmith.model import lower
from armorsmith.resolve import DiskFileSystem, IncludeCache, ResolveConfig, is_skipped_name, load_document, resolve
from armorsmith.syntax import FileRole, guess_role, parse
from armorsmith.syntax.queries import highlights


@pytest.fixture(scope="module")
def tree(corpus_dir: Path) -> tuple[list[DocumentContext], Project]:
    root = corpus_dir / "upstream" / "profiles" / "apparmor.d"
    fs = DiskFileSystem()
    config = ResolveConfig((str(root),), str(root), fs)
    cache = IncludeCache(fs)
    contexts = []
    for path in sorted(root.iterdir()):
        if not path.is_file() or is_skipped_name(path.name):
            continue
        parsed = parse(path.read_bytes())
        lowered = lower(parsed)
        fragment = guess_role(str(path), parsed.root) is FileRole.FRAGMENT
        resolution = resolve(str(path), parsed, lowered, config, cache=cache, fragment=fragment)
        contexts.append(DocumentContext(str(path), parsed, lowered.file, resolution))
    documents = {ctx.path: load_document(ctx.path, ctx.source) for ctx in contexts}
    policy = build_policy(ctx.resolution for ctx in contexts if ctx.resolution is not None)
    return contexts, Project(policy, documents, (str(root),), str(root), cache)


def test_features_answer_on_every_profile(tree: tuple[list[DocumentContext], Project]) -> None:
    """Ensure every feature answers on every upstream profile without raising, with sane ranges."""
    contexts, project = tree
    assert len(contexts) > 150
    hovered = defined = 0
    for ctx in contexts:
        size = len(ctx.source)
        for capture in highlights(ctx.parsed)[::3]:
            if capture.name.startswith("punctuation") or capture.name == "comment":
                continue
            found = hover(ctx, project, capture.start)
            if found is not None:
                hovered += 1
                assert found.span.start <= capture.start <= found.span.end <= size, (ctx.path, capture)
                assert found.markdown.strip()
            for location in navigation.definition(ctx, project, capture.start):
                defined += 1
                assert location.path == ctx.path or location.path in project.documents or Path(location.path).exists()
        for token in semantic_tokens(ctx.parsed, ctx.file):
            assert 0 <= token.start < token.end <= size
        for fold in folding_ranges(ctx.parsed, ctx.file):
            assert 0 <= fold.start <= fold.end <= size
        document_symbols(ctx.file, ctx.source)
        navigation.document_links(ctx, project)
        for hint in inlay_hints(ctx):
            assert 0 <= hint.offset <= size and hint.label
    assert hovered > 2_000 and defined > 300, (hovered, defined)


@pytest.mark.parametrize(
    ("file", "rule", "mode", "lands"),
    [
        ("usr.sbin.dovecot", "/usr/lib*/dovecot/stats Px,", "Px", "**dovecot-stats**"),
        ("usr.sbin.dnsmasq", "/usr/libexec/libvirt_leaseshelper Cx -> libvirt_leaseshelper,", "Cx", "**dnsmasq//libvirt_leaseshelper**"),
        ("samba-dcerpcd", "rpcd_classic Px -> samba-rpcd-classic,", "Px", "Lands in **samba-rpcd-classic**"),
    ],
)
def test_exec_hovers_name_real_profiles(
    tree: tuple[list[DocumentContext], Project], file: str, rule: str, mode: str, lands: str
) -> None:
    """Ensure exec rules of the corpus land, in their hover and definition, in the profile of the tree they reach."""
    contexts, project = tree
    ctx = next(ctx for ctx in contexts if ctx.path.endswith("/" + file))
    offset = ctx.source.index(rule.encode()) + rule.index(f" {mode}") + 1
    found = hover(ctx, project, offset)
    assert found is not None and lands in found.markdown, found
    if "->" not in rule:
        target = lands.strip("*").rsplit("//", 1)[-1]
        names = [project.documents[loc.path].source[loc.span.start : loc.span.end].decode() for loc in navigation.definition(ctx, project, offset) if loc.path in project.documents]
        assert target in names


def test_hover_and_definition_while_typing(tree: tuple[list[DocumentContext], Project]) -> None:
    """Ensure hover and definition never raise on a profile cut short at any byte."""
    contexts, project = tree
    ctx = next(ctx for ctx in contexts if ctx.path.endswith("/usr.sbin.dnsmasq"))
    source = ctx.source
    for end in range(0, len(source), 7):
        parsed = parse(source[:end])
        lowered = lower(parsed)
        cut = DocumentContext(ctx.path, parsed, lowered.file, None)
        for offset in (max(0, end - 1), end):
            hover(cut, project, offset)
            navigation.definition(cut, project, offset)
