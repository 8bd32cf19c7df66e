package org.securemail.ingest.inspect.dmarc;

/** {@code adkim=} / {@code aspf=} (RFC 7489 §3.1): relaxed (same organisational domain) or strict (same name). */
public enum AlignmentMode {
    RELAXED("r"), STRICT("s");

    private final String tag;

    AlignmentMode(String tag) {
        this.tag = tag;
    }

    /** The tag value: {@code r} or {@code s}. */
    public String tag() {
        return tag;
    }

    static AlignmentMode fromTag(String value) {
        for (AlignmentMode m : values()) {
            if (m.tag.equalsIgnoreCase(value)) {
                return m;
            }
        }
        return null;
    }
}
