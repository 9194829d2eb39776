package org.magnet4j.convert;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pickle virtual machine for untrusted input. It implements the opcodes of protocols 0 to 5, builds plain Java
 * values (null, Boolean, Long/BigInteger, Double, String, byte[], ArrayList, {@link PyTuple}, {@link PyDict}, Set),
 * and resolves globals only through {@link PickleGlobals}' allow-list, so nothing from the file is ever executed or
 * instantiated. Every length is checked against the bytes left before anything is allocated, and the stack and
 * memo are capped, so a hostile pickle ends in a {@link CorruptInputException}, not in an OutOfMemoryError.
 * There is no recursion, so deep nesting cannot overflow the Java stack.
 */
final class PickleMachine {
    /** Turns a persistent id (a tuple naming a storage) into the object it stands for. */
    @FunctionalInterface
    interface PersistentLoader {
        Object load(Object pid);
    }

    static final int MAX_MEMO = 1 << 22;
    static final int MAX_STACK = 1 << 22;
    static final int MAX_PROTOCOL = 5;

    private final ByteSource in;
    private final long end;
    private final PickleGlobals globals;
    private final PersistentLoader loader;
    private long pos;
    private long opPos;
    private int op;
    private int protocol = -1;
    private static final int WINDOW = 1 << 16;
    private byte[] buf = new byte[0];
    private long bufStart;
    private final ArrayList<Object> stack = new ArrayList<>();
    private int[] marks = new int[16];
    private int markCount;
    private final HashMap<Long, Object> memo = new HashMap<>();

    /** Reads the pickle that starts at {@code start} in {@code in}; loader may be null when no persistent ids are expected. */
    PickleMachine(ByteSource in, long start, PickleGlobals globals, PersistentLoader loader) {
        this.in = in;
        this.pos = start;
        this.end = in.size();
        this.globals = globals;
        this.loader = loader;
    }

    /** The offset just after the STOP opcode, once {@link #load()} returned. */
    long position() { return pos; }

    /** The protocol the PROTO opcode declared (-1 for protocols 0 and 1, which have none). */
    int protocol() { return protocol; }

    Object load() {
        while (true) {
            if (pos >= end) throw corruptAt("the pickle ends without a STOP opcode (truncated?)");
            opPos = pos;
            op = u8();
            if (op == '.') return pop(); // STOP
            if (!common(op)) rare(op);
        }
    }

    /**
     * The opcodes torch.save's pickles are made of, by frequency. Kept apart from {@link #rare} so that the method
     * the JIT compiles first is small: one method with every opcode took the C2 compiler over a second, during
     * which the first loads of a fresh JVM ran interpreted.
     */
    private boolean common(int op) {
        switch (op) {
            case 'r' -> memoPut(i32() & 0xffffffffL);
            case 'h' -> push(memoGet(u8()));
            case 'K' -> push((long) u8());
            case 'X' -> push(utf8(length(i32() & 0xffffffffL)));
            case '(' -> mark();
            case 't' -> push(new PyTuple(popMark()));
            case 'R' -> { PyTuple args = tuple(pop()); Object f = pop(); push(call(f, args)); }
            case ')' -> push(PyTuple.EMPTY);
            case 0x85 -> push(new PyTuple(new Object[] {pop()}));
            case 'Q' -> push(persistent(pop()));
            case 0x89 -> push(Boolean.FALSE);
            case '}' -> push(new PyDict());
            case 's' -> { Object v = pop(), k = pop(); dict(peek()).put(checkKey(k), v); }
            case 'j' -> push(memoGet(i32() & 0xffffffffL));
            case 'M' -> { int lo = u8(), hi = u8(); push((long) (lo | hi << 8)); }
            case 'q' -> memoPut(u8());
            default -> { return false; }
        }
        return true;
    }

    /** Every other opcode. */
    private void rare(int op) {
        switch (op) {
            case 0x80 -> { // PROTO
                protocol = u8();
                if (protocol > MAX_PROTOCOL) throw corrupt("pickle protocol " + protocol + " is newer than " + MAX_PROTOCOL);
            }
            case 0x95 -> { // FRAME: a length prefix for buffering; the bytes follow inline
                long n = i64();
                if (n < 0 || n > end - pos) throw corrupt("frame of " + n + " bytes runs past the end of the pickle");
            }
            // --- constants and numbers
            case 'N' -> push(null);
            case 0x88 -> push(Boolean.TRUE);
            case 'J' -> push((long) i32());
            case 0x8a -> push(longBytes(u8()));
            case 0x8b -> push(longBytes(length(i32() & 0xffffffffL)));
            case 'G' -> push(Double.longBitsToDouble(Long.reverseBytes(i64())));
            case 'I' -> push(parseIntLine(line()));
            case 'L' -> push(parseLongLine(line()));
            case 'F' -> push(parseFloatLine(line()));
            // --- strings and bytes
            case 0x8c -> push(utf8(u8()));
            case 0x8d -> push(utf8(length(i64())));
            case 'T' -> push(utf8(length(i32())));          // BINSTRING: a Python 2 str, decoded as torch does (utf-8)
            case 'U' -> push(utf8(u8()));                    // SHORT_BINSTRING
            case 'B' -> push(bytes(length(i32() & 0xffffffffL)));
            case 'C' -> push(bytes(u8()));
            case 0x8e, 0x96 -> push(bytes(length(i64())));  // BINBYTES8, BYTEARRAY8
            case 'S' -> push(parseQuotedString(line()));
            case 'V' -> push(rawUnicodeEscape(line()));
            // --- containers
            case ']' -> push(new ArrayList<>());
            case 0x8f -> push(new LinkedHashSet<>());
            case 0x86 -> { Object b = pop(), a = pop(); push(new PyTuple(new Object[] {a, b})); }
            case 0x87 -> { Object c = pop(), b = pop(), a = pop(); push(new PyTuple(new Object[] {a, b, c})); }
            case 'l' -> push(new ArrayList<>(java.util.Arrays.asList(popMark())));
            case 'd' -> {
                Object[] items = popMark();
                if (items.length % 2 != 0) throw corrupt("DICT with an odd number of items");
                PyDict d = new PyDict();
                for (int i = 0; i < items.length; i += 2) d.put(checkKey(items[i]), items[i + 1]);
                push(d);
            }
            case 'a' -> { Object v = pop(); list(peek()).add(v); }
            case 'e' -> { Object[] items = popMark(); Collections.addAll(list(peek()), items); }
            case 'u' -> {
                Object[] items = popMark();
                if (items.length % 2 != 0) throw corrupt("SETITEMS with an odd number of items");
                PyDict d = dict(peek());
                for (int i = 0; i < items.length; i += 2) d.put(checkKey(items[i]), items[i + 1]);
            }
            case 0x90 -> { Object[] items = popMark(); Set<Object> s = set(peek()); for (Object o : items) s.add(checkKey(o)); }
            case 0x91 -> {
                Object[] items = popMark();
                Set<Object> s = new LinkedHashSet<>();
                for (Object o : items) s.add(checkKey(o));
                push(Collections.unmodifiableSet(s));
            }
            // --- stack and memo
            case '0' -> { if (stack.size() > markBase()) pop(); else popMark(); }
            case '1' -> popMark();
            case '2' -> push(peek());
            case 'p' -> memoPut(parseIndexLine(line()));
            case 0x94 -> memoPut(memo.size());
            case 'g' -> push(memoGet(parseIndexLine(line())));
            // --- globals, calls, persistent ids
            case 'c' -> { String module = line(), name = line(); push(globals.resolve(module, name)); }
            case 0x93 -> { Object name = pop(), module = pop(); push(globals.resolve(str(module), str(name))); }
            case 0x81 -> { PyTuple args = tuple(pop()); Object cls = pop(); push(call(cls, args)); }
            case 0x92 -> {
                Object kwargs = pop();
                PyTuple args = tuple(pop());
                Object cls = pop();
                if (!(kwargs instanceof Map<?, ?> m) || !m.isEmpty()) throw corrupt("NEWOBJ_EX with keyword arguments is not supported");
                push(call(cls, args));
            }
            case 'o' -> {
                Object[] items = popMark();
                if (items.length == 0) throw corrupt("OBJ without a class");
                Object[] rest = new Object[items.length - 1];
                System.arraycopy(items, 1, rest, 0, rest.length);
                push(call(items[0], new PyTuple(rest)));
            }
            case 'i' -> {
                String module = line(), name = line();
                Object cls = globals.resolve(module, name);
                push(call(cls, new PyTuple(popMark())));
            }
            case 'b' -> { Object state = pop(); build(peek(), state); }
            case 'P' -> push(persistent(line()));
            case 0x97 -> throw corrupt("out-of-band buffers (NEXT_BUFFER) are not supported");
            case 0x98 -> peek(); // READONLY_BUFFER: a no-op on our immutable byte[]
            case 0x82, 0x83, 0x84 -> throw corrupt("extension codes (EXT1/2/4) are not supported");
            default -> throw corrupt(String.format("unknown opcode 0x%02x", op));
        }
    }

    // ------------------------------------------------------------------ stack

    private void push(Object o) {
        if (stack.size() >= MAX_STACK) throw corrupt("pickle stack exceeds " + MAX_STACK + " items");
        stack.add(o);
    }

    private int markBase() { return markCount == 0 ? 0 : marks[markCount - 1]; }

    private Object pop() {
        if (stack.size() <= markBase()) throw corrupt("stack underflow");
        return stack.removeLast();
    }

    private Object peek() {
        if (stack.size() <= markBase()) throw corrupt("stack underflow");
        return stack.getLast();
    }

    private void mark() {
        if (markCount == marks.length) {
            if (marks.length >= MAX_STACK) throw corrupt("too many MARKs");
            marks = java.util.Arrays.copyOf(marks, marks.length * 2);
        }
        marks[markCount++] = stack.size();
    }

    private Object[] popMark() {
        if (markCount == 0) throw corrupt("no MARK on the stack");
        int base = marks[--markCount];
        List<Object> top = stack.subList(base, stack.size());
        Object[] items = top.toArray();
        top.clear();
        return items;
    }

    private void memoPut(long index) {
        Object top = peek();
        if (memo.size() >= MAX_MEMO && !memo.containsKey(index)) throw corrupt("memo exceeds " + MAX_MEMO + " entries");
        memo.put(index, top);
    }

    private Object memoGet(long index) {
        Object o = memo.get(index);
        if (o == null && !memo.containsKey(index)) throw corrupt("memo entry " + index + " is not defined");
        return o;
    }

    // ------------------------------------------------------------------ semantics

    private Object call(Object f, PyTuple args) {
        if (f instanceof PyCallable c) {
            try {
                return c.call(args);
            } catch (CorruptInputException e) {
                throw corrupt(e.getMessage());
            }
        }
        throw corrupt(describe(f) + " is not callable");
    }

    private Object persistent(Object pid) {
        if (loader == null) throw corrupt("unexpected persistent id");
        try {
            return loader.load(pid);
        } catch (CorruptInputException e) {
            throw corrupt(e.getMessage());
        }
    }

    /** BUILD: only the attribute dict of an (Ordered)Dict is accepted, which is what state dicts carry. */
    private void build(Object target, Object state) {
        if (target instanceof PyDict d) {
            Object dictState = state;
            if (state instanceof PyTuple t && t.size() == 2) dictState = t.get(0); // (state, slotstate)
            if (dictState == null) return;
            if (!(dictState instanceof Map<?, ?> m)) throw corrupt("BUILD on a dict with a state of type " + describe(dictState));
            for (Map.Entry<?, ?> e : m.entrySet()) d.attributes.put(str(e.getKey()), e.getValue());
            return;
        }
        if (target instanceof TensorRef && (state == null || state instanceof Map<?, ?> m && m.isEmpty())) return;
        throw corrupt("BUILD on " + describe(target) + " is not supported");
    }

    /**
     * Dict keys and set items must be hashable scalars or flat tuples of them. This keeps hashing and equality
     * cheap: a hostile pickle cannot make key comparison recurse deeply or take exponential time.
     */
    private Object checkKey(Object k) {
        if (scalar(k)) return k;
        if (k instanceof PyTuple t) {
            for (int i = 0; i < t.size(); i++)
                if (!scalar(t.get(i))) throw corrupt("unsupported dict key: a tuple holding " + describe(t.get(i)));
            return k;
        }
        throw corrupt("unsupported dict key of type " + describe(k));
    }

    private static boolean scalar(Object k) {
        return k == null || k instanceof String || k instanceof Long || k instanceof BigInteger || k instanceof Double || k instanceof Boolean;
    }

    @SuppressWarnings("unchecked")
    private ArrayList<Object> list(Object o) {
        if (o instanceof ArrayList<?> l) return (ArrayList<Object>) l;
        throw corrupt("expected a list, found " + describe(o));
    }

    private PyDict dict(Object o) {
        if (o instanceof PyDict d) return d;
        throw corrupt("expected a dict, found " + describe(o));
    }

    @SuppressWarnings("unchecked")
    private Set<Object> set(Object o) {
        if (o instanceof LinkedHashSet<?> s) return (Set<Object>) s;
        throw corrupt("expected a set, found " + describe(o));
    }

    private PyTuple tuple(Object o) {
        if (o instanceof PyTuple t) return t;
        throw corrupt("expected an argument tuple, found " + describe(o));
    }

    private String str(Object o) {
        if (o instanceof String s) return s;
        throw corrupt("expected a str, found " + describe(o));
    }

    /** A short type name for messages: never the value itself, which may be huge or hostile. */
    static String describe(Object o) {
        return switch (o) {
            case null -> "None";
            case String s -> "str";
            case Long l -> "int";
            case BigInteger b -> "int";
            case Double d -> "float";
            case Boolean b -> "bool";
            case byte[] b -> "bytes";
            case PyTuple t -> "tuple";
            case PyDict d -> "dict";
            case List<?> l -> "list";
            case Set<?> s -> "set";
            case PyType t -> "class " + t;
            case StorageType t -> "class " + t;
            case TensorRef t -> "tensor";
            case StorageRef s -> "storage";
            case PyCallable c -> "function";
            default -> o.getClass().getSimpleName();
        };
    }

    // ------------------------------------------------------------------ input

    /**
     * Makes in[pos, pos + n) available in the window buffer. The pickle is read through a byte[] window, not
     * element by element from the segment: plain array reads are what the interpreter and JIT handle fastest, which
     * matters on a cold JVM where a checkpoint is typically read once.
     */
    private void ensure(long n) {
        if (n > end - pos) throw corruptAt("the pickle is truncated: " + n + " bytes needed, " + (end - pos) + " left");
        if (pos >= bufStart && pos + n <= bufStart + buf.length) return;
        long len = Math.min(end - pos, Math.max(WINDOW, n));
        if (buf.length != len) buf = new byte[(int) len];
        in.readInto(pos, buf, 0, (int) len);
        bufStart = pos;
    }

    private int u8() {
        if (pos < bufStart || pos >= bufStart + buf.length) ensure(1);
        return buf[(int) (pos++ - bufStart)] & 0xff;
    }

    private int i32() {
        ensure(4);
        int i = (int) (pos - bufStart);
        pos += 4;
        return (buf[i] & 0xff) | (buf[i + 1] & 0xff) << 8 | (buf[i + 2] & 0xff) << 16 | (buf[i + 3] & 0xff) << 24;
    }

    private long i64() {
        long lo = i32() & 0xffffffffL, hi = i32() & 0xffffffffL;
        return lo | hi << 32;
    }

    /** A declared length: must fit in the bytes that are left (and in a Java array). */
    private int length(long n) {
        if (n < 0 || n > end - pos || n > Shapes.MAX_ELEMENTS)
            throw corrupt("declared length " + n + " exceeds the " + (end - pos) + " bytes left in the pickle (truncated or damaged)");
        return (int) n;
    }

    private byte[] bytes(int n) {
        ensure(n);
        int i = (int) (pos - bufStart);
        pos += n;
        return java.util.Arrays.copyOfRange(buf, i, i + n);
    }

    private String utf8(int n) {
        ensure(n);
        int i = (int) (pos - bufStart);
        pos += n;
        return new String(buf, i, n, StandardCharsets.UTF_8);
    }

    /** A newline-terminated text argument (protocol 0 opcodes and GLOBAL). */
    private String line() {
        for (long want = 64; ; want *= 2) {
            ensure(Math.min(want, end - pos));
            int from = (int) (pos - bufStart), to = (int) Math.min(buf.length, from + Math.min(want, end - pos));
            for (int i = from; i < to; i++) {
                if (buf[i] == '\n') {
                    String s = new String(buf, from, i - from, StandardCharsets.UTF_8);
                    pos += i - from + 1;
                    return s;
                }
            }
            if (to - from >= end - pos) throw corruptAt("the pickle is truncated inside a text argument");
        }
    }

    private Object longBytes(int n) {
        if (n == 0) return 0L;
        byte[] le = bytes(n);
        byte[] be = new byte[n];
        for (int i = 0; i < n; i++) be[i] = le[n - 1 - i];
        return normalize(new BigInteger(be));
    }

    static Object normalize(BigInteger b) { return b.bitLength() < 64 ? (Object) b.longValue() : b; }

    private Object parseIntLine(String s) {
        if (s.equals("00")) return Boolean.FALSE; // protocol 0 spells booleans this way
        if (s.equals("01")) return Boolean.TRUE;
        return parseInteger(s);
    }

    private Object parseLongLine(String s) {
        return parseInteger(s.endsWith("L") ? s.substring(0, s.length() - 1) : s);
    }

    private Object parseInteger(String s) {
        if (s.length() > 4300) throw corrupt("integer literal of " + s.length() + " digits"); // Python's own limit
        try {
            return normalize(new BigInteger(s.trim()));
        } catch (NumberFormatException e) {
            throw corrupt("bad integer literal");
        }
    }

    private long parseIndexLine(String s) {
        Object o = parseInteger(s);
        if (!(o instanceof Long l) || l < 0) throw corrupt("bad memo index");
        return l;
    }

    private Double parseFloatLine(String s) {
        String t = s.trim();
        switch (t) {
            case "inf" -> { return Double.POSITIVE_INFINITY; }
            case "-inf" -> { return Double.NEGATIVE_INFINITY; }
            case "nan" -> { return Double.NaN; }
            default -> { }
        }
        if (t.isEmpty() || !t.chars().allMatch(c -> "0123456789+-.eE".indexOf(c) >= 0)) throw corrupt("bad float literal");
        try {
            return Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw corrupt("bad float literal");
        }
    }

    /** STRING: a quoted Python 2 repr with backslash escapes. */
    private String parseQuotedString(String s) {
        if (s.length() < 2 || s.charAt(0) != s.charAt(s.length() - 1) || (s.charAt(0) != '\'' && s.charAt(0) != '"'))
            throw corrupt("STRING argument is not quoted");
        String body = s.substring(1, s.length() - 1);
        StringBuilder out = new StringBuilder(body.length());
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c != '\\') { out.append(c); continue; }
            if (++i >= body.length()) throw corrupt("bad escape in STRING");
            char e = body.charAt(i);
            switch (e) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case '0' -> out.append('\0');
                case '\\', '\'', '"' -> out.append(e);
                case 'x' -> {
                    out.append((char) hex(body, i + 1, 2));
                    i += 2;
                }
                default -> out.append('\\').append(e);
            }
        }
        return out.toString();
    }

    /** UNICODE: raw-unicode-escape, i.e. latin-1 text where only \\uXXXX and \\UXXXXXXXX are escapes. */
    private String rawUnicodeEscape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length() && (s.charAt(i + 1) == 'u' || s.charAt(i + 1) == 'U')) {
                int digits = s.charAt(i + 1) == 'u' ? 4 : 8;
                int cp = hex(s, i + 2, digits);
                if (!Character.isValidCodePoint(cp)) throw corrupt("bad code point in UNICODE");
                out.appendCodePoint(cp);
                i += 1 + digits;
            } else out.append(c);
        }
        return out.toString();
    }

    private int hex(String s, int from, int digits) {
        if (from + digits > s.length()) throw corrupt("truncated escape");
        try {
            return (int) Long.parseLong(s.substring(from, from + digits), 16);
        } catch (NumberFormatException e) {
            throw corrupt("bad escape");
        }
    }

    // ------------------------------------------------------------------ errors

    private CorruptInputException corrupt(String problem) {
        return new CorruptInputException(String.format("pickle opcode 0x%02x at offset %d: %s", op, opPos, problem));
    }

    private CorruptInputException corruptAt(String problem) {
        return new CorruptInputException("pickle at offset " + pos + ": " + problem);
    }
}
