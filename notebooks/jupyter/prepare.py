#!/usr/bin/env python3
"""Prepares a notebook for Jupyter's executor against a local package feed, and counts image/png outputs.

  prepare.py NOTEBOOK.ipynb COPY.ipynb --feed DIR --version V
      writes COPY.ipynb: a first code cell `#i "nuget: DIR"` added, every `#r "nuget: GenomicCode..."` pinned to V,
      outputs cleared (as notebooks/jupyter/execute.sh uses it)
  prepare.py --count-png EXECUTED.ipynb
      prints how many outputs of the notebook carry image/png
  prepare.py --check EXECUTED.ipynb
      checks what Jupyter got back: every code cell that displays a figure or an image grid has an image/png output
      holding a PNG, no image travels only as an HTML data URI, and no displayed value, object member or table cell is
      empty; prints one line per problem (cell numbers count code cells from 1, the added feed cell left out) and exits 1 on any"""
import base64, json, re, sys

# A cell shows a figure when it displays the result of a Draw* method, a figure of ExperimentFigures, or an image grid
# drawn from a tensor (TensorDisplay.ToImage).
SHOWS_FIGURE = re.compile(r'display\((?:\s*\w*Figures?\.\w+|\s*figure\s*\)|\s*TensorDisplay\.ToImage)')
PNG_SIGNATURE = b'\x89PNG\r\n\x1a\n'

REFERENCE = re.compile(r'(#r\s+"nuget:\s*)(GenomicCode(?:\.[A-Za-z0-9]+)*)\s*(?:,[^"]*)?"(?=\s*$)', re.M)

def pin(code, version):
    return REFERENCE.sub(lambda m: f'{m.group(1)}{m.group(2)}, {version}"', code)

def prepare(source, target, feed, version):
    with open(source, encoding='utf-8') as f:
        notebook = json.load(f)
    for cell in notebook['cells']:
        if cell['cell_type'] == 'code':
            cell['source'] = pin(''.join(cell['source']), version)
            cell['outputs'], cell['execution_count'] = [], None
    feed_cell = {"cell_type": "code", "execution_count": None, "id": "local-feed",
                 "metadata": {"dotnet_interactive": {"language": "csharp"}, "polyglot_notebook": {"kernelName": "csharp"}},
                 "outputs": [], "source": f'#i "nuget: {feed}"'}
    notebook['cells'].insert(0, feed_cell)
    with open(target, 'w', encoding='utf-8') as f:
        json.dump(notebook, f, indent=1, ensure_ascii=False)
        f.write('\n')

def count_png(path):
    with open(path, encoding='utf-8') as f:
        notebook = json.load(f)
    return sum('image/png' in output.get('data', {}) for cell in notebook['cells'] for output in cell.get('outputs', []))

def problems(path):
    with open(path, encoding='utf-8') as f:
        notebook = json.load(f)
    code = [c for c in notebook['cells'] if c['cell_type'] == 'code' and c.get('id') != 'local-feed']
    for number, cell in enumerate(code, 1):
        source = ''.join(cell['source'])
        shown = [o.get('data', {}) for o in cell.get('outputs', []) if o.get('output_type') in ('display_data', 'execute_result')]
        pngs = [d['image/png'] for d in shown if 'image/png' in d]
        if SHOWS_FIGURE.search(source) and not pngs:
            yield f'cell {number} shows a figure but has no image/png output'
        for png in pngs:
            data = ''.join(png) if isinstance(png, list) else png
            if not base64.b64decode(data)[:8] == PNG_SIGNATURE:
                yield f'cell {number} has an image/png output that is not a PNG'
        for data in shown:
            html = ''.join(data.get('text/html', ''))
            text = ''.join(data.get('text/plain', ''))
            if 'data:image/' in html and 'image/png' not in data:
                yield f'cell {number} has an image only as an HTML data URI'
            if not html.strip() and not text.strip() and not set(data) - {'text/html', 'text/plain'}:
                yield f'cell {number} displays an empty value'
            # The kernel's summary line of an object writes a null member as nothing: "{ A = 1.5, B =  }"
            if re.search(r'<code>\{[^<]*= (?:,|\s\})', html):
                yield f'cell {number} displays an object with an empty member'
            if re.search(r'<td[^>]*>\s*</td>', html):
                yield f'cell {number} displays a table with an empty cell'

if len(sys.argv) == 3 and sys.argv[1] == '--check':
    found = list(problems(sys.argv[2]))
    for line in found:
        print(f'{sys.argv[2]}: {line}')
    sys.exit(1 if found else 0)
elif len(sys.argv) == 3 and sys.argv[1] == '--count-png':
    print(count_png(sys.argv[2]))
elif len(sys.argv) == 7 and sys.argv[3] == '--feed' and sys.argv[5] == '--version':
    prepare(sys.argv[1], sys.argv[2], sys.argv[4], sys.argv[6])
else:
    sys.exit('usage: prepare.py NOTEBOOK.ipynb COPY.ipynb --feed DIR --version V | prepare.py --count-png EXECUTED.ipynb | prepare.py --check EXECUTED.ipynb')
