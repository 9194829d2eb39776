"""Generates the small torch files the Java tests read (committed under src/test/resources, so tests never need Python).

Run with the PyTorch-1.13 interpreter:  /usr/bin/python3 weights-converter/src/test/python/make_test_files.py
Each file holds the same state dict, SAMPLE, so one Java check covers them all:
  proto4.pth / proto5.pth            torch.save zip with pickle protocol 4 / 5 (FRAME, MEMOIZE, SHORT_BINUNICODE...)
  proto4_legacy.pth                  legacy stream with pickle protocol 4
  torch2_style.pth                   a zip laid out as PyTorch 2.x writes it: archive/ prefix, byteorder,
                                     .data/version, .data/serialization_id, _rebuild_tensor_v2 with 7 arguments,
                                     a Parameter via _rebuild_parameter, a tensor via _rebuild_from_type_v2
  big_endian.pth                     as torch2_style.pth but byteorder 'big' and byte-swapped storages
  deflated.pth                       proto4.pth re-zipped with deflate compression
"""
import collections, io, os, pickle, struct, zipfile
import torch

OUT = os.path.join(os.path.dirname(__file__), '..', 'resources', 'org', 'magnet4j', 'convert')
os.makedirs(OUT, exist_ok=True)

def sample():
    base = torch.arange(12, dtype=torch.float32).reshape(3, 4)
    sd = collections.OrderedDict()
    sd['model.conv.weight'] = torch.tensor([[1.5, -2.0], [0.25, 8.0]])
    sd['model.bn.num_batches_tracked'] = torch.tensor(7)
    sd['model.half'] = torch.tensor([1.0, -0.5], dtype=torch.float16)
    sd['model.i32'] = torch.tensor([3, -4], dtype=torch.int32)
    sd['model.t'] = base.t()            # a transpose sharing base's storage
    sd['model.base'] = base
    sd['model.col'] = base[:, 1]        # a strided column
    return sd

SAMPLE = sample()

for proto in (4, 5):
    torch.save(SAMPLE, os.path.join(OUT, f'proto{proto}.pth'), pickle_protocol=proto)
torch.save(SAMPLE, os.path.join(OUT, 'proto4_legacy.pth'), pickle_protocol=4, _use_new_zipfile_serialization=False)

# ---- a PyTorch-2-style zip, written by hand with a custom pickler.
class FakeStorage:
    def __init__(self, key, kind, numel, data):
        self.key, self.kind, self.numel, self.data = key, kind, numel, data

class Rebuild:  # pickles as a call to a torch function with given args
    def __init__(self, fn, args):
        self.fn, self.args = fn, args
    def __reduce__(self):
        return (self.fn, self.args)

class P(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, FakeStorage):
            return ('storage', obj.kind, obj.key, 'cuda:1', obj.numel)
        return None

def torch2(big_endian):
    fmt = '>' if big_endian else '<'
    w = torch.tensor([[1.5, -2.0], [0.25, 8.0]]).flatten().tolist()
    s0 = FakeStorage('0', torch.FloatStorage, 4, struct.pack(fmt + '4f', *w))
    s1 = FakeStorage('1', torch.LongStorage, 1, struct.pack(fmt + 'q', 7))
    s2 = FakeStorage('2', torch.HalfStorage, 2, struct.pack(fmt + '2e', 1.0, -0.5))
    s3 = FakeStorage('3', torch.IntStorage, 2, struct.pack(fmt + '2i', 3, -4))
    s4 = FakeStorage('4', torch.FloatStorage, 12, struct.pack(fmt + '12f', *range(12)))
    OD = collections.OrderedDict
    v2 = torch._utils._rebuild_tensor_v2
    sd = OD()
    sd['model.conv.weight'] = Rebuild(torch._utils._rebuild_parameter, (Rebuild(v2, (s0, 0, (2, 2), (2, 1), True, OD(), None)), True, OD()))
    sd['model.bn.num_batches_tracked'] = Rebuild(v2, (s1, 0, (), (), False, OD(), None))
    sd['model.half'] = Rebuild(v2, (s2, 0, (2,), (1,), False, OD(), None))
    sd['model.i32'] = Rebuild(torch._tensor._rebuild_from_type_v2, (v2, torch.Tensor, (s3, 0, (2,), (1,), False, OD(), None), {}))
    sd['model.t'] = Rebuild(v2, (s4, 0, (4, 3), (1, 4), False, OD(), None))
    sd['model.base'] = Rebuild(v2, (s4, 0, (3, 4), (4, 1), False, OD(), None))
    sd['model.col'] = Rebuild(v2, (s4, 1, (3,), (4,), False, OD(), None))
    buf = io.BytesIO()
    P(buf, protocol=2).dump(sd)
    name = 'big_endian.pth' if big_endian else 'torch2_style.pth'
    with zipfile.ZipFile(os.path.join(OUT, name), 'w', zipfile.ZIP_STORED) as z:
        z.writestr('archive/data.pkl', buf.getvalue())
        z.writestr('archive/byteorder', 'big' if big_endian else 'little')
        for s in (s0, s1, s2, s3, s4):
            z.writestr('archive/data/' + s.key, s.data)
        z.writestr('archive/version', '3\n')
        z.writestr('archive/.data/version', '3\n')
        z.writestr('archive/.data/serialization_id', '1234567890123456789012345678901234567890')

torch2(False)
torch2(True)

with zipfile.ZipFile(os.path.join(OUT, 'proto4.pth')) as src, \
        zipfile.ZipFile(os.path.join(OUT, 'deflated.pth'), 'w', zipfile.ZIP_DEFLATED) as dst:
    for n in src.namelist():
        dst.writestr(n, src.read(n))

# Self-check: the files torch 1.13 itself can read load and equal SAMPLE. (torch2_style/big_endian use PyTorch 2.x's
# 7-argument _rebuild_tensor_v2, which 1.13 refuses; the Java test checks them against the same values.)
for f in ('proto4.pth', 'proto5.pth', 'proto4_legacy.pth', 'deflated.pth'):
    sd = torch.load(os.path.join(OUT, f), map_location='cpu')
    assert list(sd) == list(SAMPLE), f
    for k in SAMPLE:
        assert torch.equal(sd[k], SAMPLE[k]), (f, k)
    print('ok', f)
