#!/usr/bin/python3
"""Regenerates the small .npy files NpyTest reads. Run from anywhere: /usr/bin/python3 make_npy.py

Values follow simple formulas of the row-major index i, repeated in NpyTest:
  floating: i * 0.5 - 7       int64: i * 1099511627776 - 5 (2^40 steps)   int32: i * 7 - 50
  uint8: (i * 9) % 256        bool: i % 3 == 0
"""
import os
import struct

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SHAPE = (2, 3, 5)


def values(dtype, shape=SHAPE):
    i = np.arange(int(np.prod(shape)), dtype=np.int64)
    kind = np.dtype(dtype).kind
    if kind == 'f':
        v = i * 0.5 - 7
    elif np.dtype(dtype).itemsize == 8 and kind == 'i':
        v = i * (1 << 40) - 5
    elif kind == 'i':
        v = i * 7 - 50
    elif kind == 'u':
        v = (i * 9) % 256
    elif kind == 'b':
        v = i % 3 == 0
    return v.astype(dtype).reshape(shape)


def save(name, arr, version=None):
    path = os.path.join(HERE, name)
    if version is None:
        np.save(path, arr)
    else:
        with open(path, 'wb') as f:
            np.lib.format.write_array(f, arr, version=version)


def main():
    for tag, dt in [('f4', '<f4'), ('f8', '<f8'), ('f2', '<f2'), ('i8', '<i8'), ('i4', '<i4'), ('u1', '|u1'), ('b1', '|b1')]:
        save('le_%s.npy' % tag, values(dt))
    for tag in ['f4', 'f8', 'f2', 'i8', 'i4']:
        save('be_%s.npy' % tag, values('>' + tag))
    save('scalar_f4.npy', np.array(2.5, dtype='<f4'))
    save('empty_f4.npy', np.zeros((0, 3), dtype='<f4'))
    save('vector_i8.npy', values('<i8', (7,)))
    save('specials_f4.npy', np.array([np.nan, np.inf, -np.inf, -0.0, 1e-45, 3.4028235e38], dtype='<f4'))
    save('v2_f4.npy', values('<f4'), version=(2, 0))
    save('v3_f4.npy', values('<f4'), version=(3, 0))
    save('fortran_f4.npy', np.asfortranarray(values('<f4', (3, 4))))
    save('complex_c8.npy', np.zeros((2, 2), dtype='<c8'))
    save('structured.npy', np.zeros(3, dtype=[('a', '<f4'), ('b', '<i4')]))
    # Cut short: the header says 2x3x5 float32 (120 bytes) but only 50 bytes of data follow.
    full = open(os.path.join(HERE, 'le_f4.npy'), 'rb').read()
    open(os.path.join(HERE, 'truncated_f4.npy'), 'wb').write(full[:128 + 50])
    # Too long: 4 stray bytes after the data.
    open(os.path.join(HERE, 'trailing_f4.npy'), 'wb').write(full + b'\0\0\0\0')
    # A valid header that declares 10^15 float32 elements (4 PB) with 16 bytes of data.
    hdr = "{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 100000, 100000), }"
    hdr = hdr + ' ' * (64 - (10 + len(hdr) + 1) % 64) + '\n'
    open(os.path.join(HERE, 'huge_shape_f4.npy'), 'wb').write(
        b'\x93NUMPY\x01\x00' + struct.pack('<H', len(hdr)) + hdr.encode('latin1') + b'\0' * 16)
    # A header that declares a multi-gigabyte int32 array that would just fit a Java array index.
    hdr = "{'descr': '<i4', 'fortran_order': False, 'shape': (2000000000,), }"
    hdr = hdr + ' ' * (64 - (10 + len(hdr) + 1) % 64) + '\n'
    open(os.path.join(HERE, 'large_shape_i4.npy'), 'wb').write(
        b'\x93NUMPY\x01\x00' + struct.pack('<H', len(hdr)) + hdr.encode('latin1') + b'\0' * 8)
    open(os.path.join(HERE, 'bad_magic.npy'), 'wb').write(b'PK\x03\x04 this is a zip, not an npy file')
    # Preamble only, header length points past the end.
    open(os.path.join(HERE, 'short_header.npy'), 'wb').write(b'\x93NUMPY\x01\x00\x76\x00{\'descr')


if __name__ == '__main__':
    main()
