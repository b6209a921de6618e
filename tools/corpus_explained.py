#!/usr/bin/env python3
"""Writes Tests/Fixtures/corpus/explained.csv: for every corpus file whose count is not complete,
or whose MACs or parameters differ from the independent reference in reference.csv or
reference_gluoncv.csv, opcat's
figure and the reason (CorpusTests requires every difference to be listed here, with opcat's
exact figure, and nothing else).

Parameters are compared after the one export transformation stated as a rule: a BatchNorm the
exporter folds into the convolution before it loses γ and β and gives the convolution a bias, so
the file holds framework params − (γβ elements − BatchNorm statistics kept) / 2. The reasons for
the other differences are written below per model; the figures come from running opcat.

Usage: python3 tools/corpus_explained.py [path/to/opcat]   (default .build/debug/opcat)
"""
import csv, json, subprocess
import os, sys
repo=os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
root=os.path.join(repo, 'Tests/Fixtures/corpus/')
binary=sys.argv[1] if len(sys.argv) > 1 else os.path.join(repo, '.build/debug/opcat')
rows=[r for name in ('reference.csv','reference_gluoncv.csv') for r in csv.DictReader(open(root+name))]
reasons={
 'vit_tiny_r_s16_p8_224:params:timm-torchscript': "StdConv2d standardizes the stem weight at run time; the TorchScript exporter constant-folds it into a second initializer beside the raw one (+9,408 = 64·3·7·7)",
 'swin_tiny_patch4_window7_224:params': "each block's relative-position bias table gathered by its index is constant-folded into a full [heads, 49, 49] bias initializer",
 'maxvit_rmlp_pico_rw_256:params:timm-dynamo': "the relative-position MLP depends only on constants: the dynamo exporter runs it at export time and stores its output bias tables as initializers",
 'maxvit_rmlp_pico_rw_256:macs:timm-dynamo': "the relative-position MLP depends only on constants: the dynamo exporter folds its MatMuls (5,068,800 MACs, counted by torch at run time) into bias tables",
 'levit_128s:params:timm-dynamo': "the attention biases gathered by their index are constant-folded into full per-resolution bias initializers",
 'gpt2_tiny:params': "the lm_head weight is tied to the token embedding in torch (counted once) but exported as a second, transposed initializer (+6,432,896 = 50,257 × 128)",
 'dynamo-constants': "the dynamo exporter stores scalar constants (scales, epsilons) as float initializers, which opcat counts as parameters",
 'ort-constants': "onnxruntime's optimizer adds scalar float initializers for its fused ops",
 'efficientnet_b0-ort-enable-all:params:ort-fused': "onnxruntime's NCHWc optimizer pads the output channels of a blocked convolution to its block (16 on the exporting CPU): the squeeze-excitation reductions (4, 6, 10, 20, 28, 48 channels) are stored as 16, 32 or 48; opcat counts the weights as stored",
 'efficientnet_b0-ort-enable-all:macs:ort-fused': "onnxruntime's NCHWc optimizer pads the output channels of a blocked convolution to its block (16 on the exporting CPU); opcat counts the padded convolutions as they are stored and run",
}
out=[]
for r in rows:
    args=[binary,'count',root+r['file'],'--format','json']
    for b in (r['inputs'] or '').split(';'):  # GluonCV rows always bind data (the graph declares no shape)
        if b: args+=['--input',b]
    p=subprocess.run(args,capture_output=True,text=True,timeout=300)
    j=json.loads(p.stdout)
    if not j['complete']:
        # What is missing, as CorpusTests spells it: unsupported ops, then nodes whose sizes need run-time values.
        parts=[f"{u['op']} ×{u['count']}" for u in j['unsupported']]
        parts+=[f"run-time size at {u['op']} '{u['node']}'" for u in j['unresolved']]
        ops=', '.join(parts)
        if 'maskrcnn' in r['model'] and j['unresolved'] and not j['unsupported']:
            why=("torchvision pastes each mask into the image in a Loop whose Resize takes its size from the detected "
                 "box's coordinates (data, not shapes): that Resize and the nodes after it are not counted")
        else:
            why='UNEXPLAINED'
        out.append((r['file'],'complete',ops,why)); continue
    t=j['totals']
    if str(t['macs'])!=(r.get('macs_flop_counter') or r.get('macs_infer_shape')):
        out.append((r['file'],'macs',t['macs'],reasons[f"{r['model']}:macs:{r['set']}"]))
    bn=int(r.get('bn_params_torch') or 0)
    expected=int(r['params'])-(max(0,bn-t['buffers'])//2 if bn>0 else 0)
    if t['params']!=expected:
        d=t['params']-expected
        key=[k for k in (f"{r['model']}:params:{r['set']}", f"{r['model']}:params") if k in reasons]
        if key: why=reasons[key[0]]
        elif r['set'] in ('timm-dynamo','hf','opset') and 0<d<1000: why=reasons['dynamo-constants']+f" (+{d})"
        elif r['set']=='ort-fused' and 0<d<1000: why=reasons['ort-constants']+f" (+{d})"
        elif 'gpt2' in r['model']: why=reasons['gpt2_tiny:params']+(f"; +{d-6432896} scalar constants of the fused ops" if d!=6432896 else "")
        else: why='UNEXPLAINED %d'%d
        out.append((r['file'],'params',t['params'],why))
w=csv.writer(open(root+'explained.csv','w',newline=''))
w.writerow(['file','measure','opcat','reason'])
for o in out: w.writerow(o)
print(f'{len(out)} explained rows written to {root}explained.csv')
