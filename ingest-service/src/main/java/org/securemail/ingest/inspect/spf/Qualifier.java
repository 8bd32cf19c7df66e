package org.securemail.ingest.inspect.spf;

/** The qualifier of a directive and the result it gives when its mechanism matches (RFC 7208 §4.6.2). */
enum Qualifier {
    PASS('+', SpfResult.PASS),
    FAIL('-', SpfResult.FAIL),
    SOFTFAIL('~', SpfResult.SOFTFAIL),
    NEUTRAL('?', SpfResult.NEUTRAL);

    private final char symbol;
    private final SpfResult result;

    Qualifier(char symbol, SpfResult result) {
        this.symbol = symbol;
        this.result = result;
    }

    SpfResult result() {
        return result;
    }

    /** The qualifier written as {@code symbol}, or null when it is not one. */
    static Qualifier of(char symbol) {
        for (Qualifier q : values()) {
            if (q.symbol == symbol) {
                return q;
            }
        }
        return null;
    }
}
