"""Build script for the parts pyproject.toml cannot declare: the grammar's C extension.

It compiles grammar/src/parser.c (and grammar/src/scanner.c when the grammar has an
external scanner) with our binding.c into `tree_sitter_apparmor._binding`, an abi3
extension for CPython 3.10 and later, and maps the two Python packages to their
directories: `armorsmith` from server/ and `tree_sitter_apparmor` from grammar/bindings/python/.
"""

from pathlib import Path

from setuptools import Extension, find_packages, setup

BINDING_DIR = "grammar/bindings/python/tree_sitter_apparmor"

sources = [f"{BINDING_DIR}/binding.c", "grammar/src/parser.c"]
if Path("grammar/src/scanner.c").exists():
    sources.append("grammar/src/scanner.c")

setup(
    package_dir={"": "server", "tree_sitter_apparmor": BINDING_DIR},
    packages=[*find_packages("server"), "tree_sitter_apparmor"],
    package_data={"tree_sitter_apparmor": ["*.pyi", "py.typed", "queries/*.scm"]},
    exclude_package_data={"tree_sitter_apparmor": ["*.c"]},
    ext_modules=[
        Extension(
            name="tree_sitter_apparmor._binding",
            sources=sources,
            include_dirs=["grammar/src"],
            define_macros=[
                ("PY_SSIZE_T_CLEAN", None),
                ("TREE_SITTER_HIDE_SYMBOLS", None),
                ("Py_LIMITED_API", "0x030A0000"),
            ],
            extra_compile_args=["-std=c11", "-fvisibility=hidden"],
            py_limited_api=True,
        )
    ],
    options={"bdist_wheel": {"py_limited_api": "cp310"}},
)
