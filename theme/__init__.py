"""The generator's theme, installed as the package `leifeng_theme`.

MkDocs finds themes by name through the `mkdocs.themes` entry point, which
names a package: this file makes `theme/` that package, so that the wheel
carries the templates and assets and a repository that holds only content
can write `theme: {name: leifeng}`. mkdocs_theme.yml says it extends
Material; a repository's own `custom_dir` still overrides any file here.
"""
