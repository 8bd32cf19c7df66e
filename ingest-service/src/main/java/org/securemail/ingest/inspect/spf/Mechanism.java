package org.securemail.ingest.inspect.spf;

/** The eight mechanisms of RFC 7208 §5, as parsed from a record. */
sealed interface Mechanism {

    /** Whether evaluating it queries DNS, so that it counts toward the limit of 10 (§4.6.4). */
    default boolean queriesDns() {
        return true;
    }

    /** {@code all}: always matches (§5.1). */
    record All() implements Mechanism {
        @Override
        public boolean queriesDns() {
            return false;
        }
    }

    /** {@code include:<domain-spec>}: matches when the other domain's policy passes (§5.2). */
    record Include(MacroString domain) implements Mechanism {
    }

    /** {@code a[:<domain-spec>][/<v4>][//<v6>]}: the client is one of the name's addresses (§5.3). */
    record A(MacroString domain, int prefix4, int prefix6) implements Mechanism {
    }

    /** {@code mx[:<domain-spec>][/<v4>][//<v6>]}: the client is one of the exchanges' addresses (§5.4). */
    record Mx(MacroString domain, int prefix4, int prefix6) implements Mechanism {
    }

    /** {@code ptr[:<domain-spec>]}: a validated name of the client is in the domain (§5.5). */
    record Ptr(MacroString domain) implements Mechanism {
    }

    /** {@code ip4:<network>[/<prefix>]} (§5.6). */
    record Ip4(byte[] network, int prefix) implements Mechanism {
        @Override
        public boolean queriesDns() {
            return false;
        }
    }

    /** {@code ip6:<network>[/<prefix>]} (§5.6). */
    record Ip6(byte[] network, int prefix) implements Mechanism {
        @Override
        public boolean queriesDns() {
            return false;
        }
    }

    /** {@code exists:<domain-spec>}: the name has an A record (§5.7). */
    record Exists(MacroString domain) implements Mechanism {
    }
}
