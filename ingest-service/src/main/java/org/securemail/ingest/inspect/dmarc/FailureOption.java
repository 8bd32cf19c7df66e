package org.securemail.ingest.inspect.dmarc;

/** One {@code fo=} value (RFC 7489 §6.3): when the Domain Owner asks for failure reports. */
public enum FailureOption {
    /** {@code 0}: all underlying mechanisms failed to produce an aligned pass (the default). */
    ALL_FAIL("0"),
    /** {@code 1}: any underlying mechanism produced something other than an aligned pass. */
    ANY_FAIL("1"),
    /** {@code d}: a DKIM signature failed, aligned or not. */
    DKIM("d"),
    /** {@code s}: SPF failed, aligned or not. */
    SPF("s");

    private final String tag;

    FailureOption(String tag) {
        this.tag = tag;
    }

    public String tag() {
        return tag;
    }

    static FailureOption fromTag(String value) {
        for (FailureOption o : values()) {
            if (o.tag.equalsIgnoreCase(value)) {
                return o;
            }
        }
        return null;
    }
}
