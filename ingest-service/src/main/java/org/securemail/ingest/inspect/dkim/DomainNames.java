package org.securemail.ingest.inspect.dkim;

import java.util.Locale;

/** Syntax checks for {@code d=}, {@code s=} and the key query name (RFC 6376 §3.5, RFC 1035 §2.3.4). */
final class DomainNames {

    static final int MAX_NAME = 253;
    static final int MAX_LABEL = 63;

    private DomainNames() {
    }

    /**
     * The name in lower case, if it is a dot-separated list of labels of letters, digits, '-' and '_' (the underscore
     * is let through: real selectors carry it), each 1 to 63 octets, 253 in all; else permerror.
     */
    static String requireDomain(String value, String tag) {
        String name = value.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        if (name.isEmpty() || name.length() > MAX_NAME) {
            throw DkimFailure.permerror("bad " + tag + "= " + TagList.shorten(value));
        }
        int labelLength = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '.') {
                if (labelLength == 0) {
                    throw DkimFailure.permerror("bad " + tag + "= " + TagList.shorten(value));
                }
                labelLength = 0;
            } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_') {
                if (++labelLength > MAX_LABEL) {
                    throw DkimFailure.permerror("bad " + tag + "= " + TagList.shorten(value));
                }
            } else {
                throw DkimFailure.permerror("bad " + tag + "= " + TagList.shorten(value));
            }
        }
        if (labelLength == 0) {
            throw DkimFailure.permerror("bad " + tag + "= " + TagList.shorten(value));
        }
        return name;
    }

    static boolean isSameOrSubdomain(String name, String domain) {
        return name.equals(domain) || name.endsWith("." + domain);
    }

    /** {@code <selector>._domainkey.<domain>} (§3.6.2.1), or permerror when it is too long for DNS. */
    static String keyName(String selector, String domain) {
        String name = selector + "._domainkey." + domain;
        if (name.length() > MAX_NAME) {
            throw DkimFailure.permerror("key name longer than " + MAX_NAME + " octets");
        }
        return name;
    }
}
