#!/usr/bin/env python3
"""Rebuilds notebooks/NN-*.ipynb from their file-based twins notebooks/NN-*.cs, with outputs cleared.

Usage: python3 notebooks/from-twins.py [notebooks/NN-name.cs ...]   (no arguments: every twin)

A twin's cells are the text after each '// ---- markdown ----' or '// ---- code ----' marker; markdown lines lose their
'// ' prefix; the directives before the first marker and everything after '// ---- twin only ----' stay out of the
notebook. The first code cell gets the two #r lines the notebook runner expects.
tests/GenomicCode.Tests/Notebooks/NotebookTwinTests.cs checks that notebook and twin agree."""
import json, re, sys, pathlib

HEADER = ['#r "nuget: GenomicCode.Interactive, *-*"', '#r "nuget: TorchSharp-cpu, 0.107.0"']

def cells_of(text):
    text = text.split('// ---- twin only ----')[0]
    parts = re.split(r'^// ---- (markdown|code) ----\n', text, flags=re.M)
    cells = []
    for kind, body in zip(parts[1::2], parts[2::2]):
        lines = body.strip('\n').split('\n')
        if kind == 'markdown':
            lines = [l[3:] if l.startswith('// ') else l[2:] if l.startswith('//') else l for l in lines]
        cells.append((kind, '\n'.join(lines).strip('\n')))
    return cells

def build(cs_path):
    cells = cells_of(pathlib.Path(cs_path).read_text())
    out, first, n = [], True, 0
    for kind, src in cells:
        n += 1
        if kind == 'code' and first:
            src = '\n'.join(HEADER) + '\n\n' + src
            first = False
        lines = src.split('\n')
        source = [l + '\n' for l in lines[:-1]] + [lines[-1]]
        cid = f"{kind}-{n:02d}"
        if kind == 'markdown':
            out.append({"cell_type": "markdown", "id": cid, "metadata": {}, "source": source})
        else:
            out.append({"cell_type": "code", "execution_count": None, "id": cid,
                        "metadata": {"dotnet_interactive": {"language": "csharp"}, "polyglot_notebook": {"kernelName": "csharp"}},
                        "outputs": [], "source": source})
    nb = {"cells": out,
          "metadata": {
              "kernelspec": {"display_name": ".NET (C#)", "language": "C#", "name": ".net-csharp"},
              "language_info": {"file_extension": ".cs", "mimetype": "text/x-csharp", "name": "C#", "pygments_lexer": "csharp", "version": "13.0"},
              "polyglot_notebook": {"kernelInfo": {"defaultKernelName": "csharp", "items": [{"aliases": [], "languageName": "csharp", "name": "csharp"}]}}},
          "nbformat": 4, "nbformat_minor": 5}
    target = pathlib.Path(cs_path).with_suffix('.ipynb')
    target.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + '\n')
    print(target, len(out), 'cells')

twins = sys.argv[1:] or sorted(str(p) for p in pathlib.Path(__file__).resolve().parent.glob('[0-9][0-9]-*.cs'))
for p in twins:
    build(p)
