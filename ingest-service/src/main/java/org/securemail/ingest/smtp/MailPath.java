package org.securemail.ingest.smtp;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.securemail.common.mail.DomainNames;

/**
 * A parsed {@code MAIL FROM:} / {@code RCPT TO:} argument: the address and its ESMTP parameters
 * (RFC 5321 §4.1.2). Lenient like Postfix about a space after the colon and missing angle brackets; strict about
 * what an address may contain.
 *
 * @param address    the mailbox, {@code ""} for the null reverse path
 * @param parameters upper-cased keyword to value (null for keywords without value)
 */
public record MailPath(String address, Map<String, String> parameters) {

    /** Parses the text after {@code FROM:} or {@code TO:}; null when malformed. */
    public static MailPath parse(String text) {
        String s = text.stripLeading();
        String address;
        String rest;
        if (s.startsWith("<")) {
            int close = s.indexOf('>');
            if (close < 0) {
                return null;
            }
            address = s.substring(1, close);
            rest = s.substring(close + 1);
            if (!rest.isEmpty() && rest.charAt(0) != ' ') {
                return null;
            }
        } else {
            int sp = s.indexOf(' ');
            address = sp < 0 ? s : s.substring(0, sp);
            rest = sp < 0 ? "" : s.substring(sp);
            if (address.isEmpty()) {
                return null;
            }
        }
        int colon = address.indexOf(':');
        if (address.startsWith("@") && colon > 0) {
            address = address.substring(colon + 1); // obsolete source route, ignored (RFC 5321 §4.1.2)
        }
        if (!address.isEmpty() && !validMailbox(address)) {
            return null;
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (String p : rest.trim().split(" +")) {
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            String key = (eq < 0 ? p : p.substring(0, eq)).toUpperCase(Locale.ROOT);
            if (key.isEmpty()) {
                return null;
            }
            params.put(key, eq < 0 ? null : p.substring(eq + 1));
        }
        return new MailPath(address, params);
    }

    static boolean validMailbox(String address) {
        int at = address.lastIndexOf('@');
        if (at <= 0 || at == address.length() - 1 || address.length() > 254) {
            return false;
        }
        for (int i = 0; i < address.length(); i++) {
            char c = address.charAt(i);
            if (c <= ' ' || c == '<' || c == '>' || c == 127) {
                return false;
            }
        }
        String domain = address.substring(at + 1);
        if (domain.startsWith("[")) {
            return domain.endsWith("]");
        }
        return !domain.startsWith(".") && !domain.contains("..") && domain.indexOf('@') < 0;
    }

    /** True when the address needs SMTPUTF8 (RFC 6531): any non-ASCII character. */
    public boolean unicode() {
        for (int i = 0; i < address.length(); i++) {
            if (address.charAt(i) > 127) {
                return true;
            }
        }
        return false;
    }

    public boolean nullPath() {
        return address.isEmpty();
    }

    public String localPart() {
        int at = address.lastIndexOf('@');
        return at < 0 ? address : address.substring(0, at);
    }

    /** The domain in its canonical form ({@link DomainNames#canonical}), or null for the null path. */
    public String domain() {
        int at = address.lastIndexOf('@');
        return at < 0 ? null : DomainNames.canonical(address.substring(at + 1));
    }
}
