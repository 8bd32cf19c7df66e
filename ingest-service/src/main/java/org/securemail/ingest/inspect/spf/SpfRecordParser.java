package org.securemail.ingest.inspect.spf;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.securemail.ingest.inspect.net.IpLiterals;

/**
 * Record selection (RFC 7208 §4.5) and the record grammar (§4.6, §12). Strict: any syntax error anywhere makes the
 * record {@code permerror} before a single term is evaluated, as §4.6 requires.
 */
final class SpfRecordParser {

    /** Longer records are refused: real ones are a few hundred characters, and a TXT record can be 64 KiB. */
    static final int MAX_RECORD_LENGTH = 4096;
    private static final String VERSION = "v=spf1";
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]*");
    private static final Pattern CIDR6 = Pattern.compile("//([0-9]+)$");
    private static final Pattern CIDR4 = Pattern.compile("/([0-9]+)$");

    private SpfRecordParser() {
    }

    /** Whether a TXT record is an SPF record: {@code v=spf1} in any case, followed by a space or the end (§4.5). */
    static boolean isSpfRecord(String txt) {
        return txt.regionMatches(true, 0, VERSION, 0, VERSION.length())
                && (txt.length() == VERSION.length() || txt.charAt(VERSION.length()) == ' ');
    }

    static SpfRecord parse(String text) throws SpfSyntaxException {
        if (text.length() > MAX_RECORD_LENGTH) {
            throw new SpfSyntaxException("record of " + text.length() + " characters, more than "
                    + MAX_RECORD_LENGTH);
        }
        if (!isSpfRecord(text)) {
            throw new SpfSyntaxException("record does not start with v=spf1");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < ' ' || c > '~') {
                throw new SpfSyntaxException(String.format("character U+%04X at position %d", (int) c, i));
            }
        }
        List<Directive> directives = new ArrayList<>();
        MacroString redirect = null;
        MacroString exp = null;
        for (String term : text.substring(VERSION.length()).split(" ")) {
            if (term.isEmpty()) {
                continue;
            }
            Matcher name = NAME.matcher(term);
            boolean modifier = name.lookingAt() && name.end() < term.length() && term.charAt(name.end()) == '=';
            if (!modifier) {
                directives.add(directive(term));
                continue;
            }
            String key = term.substring(0, name.end()).toLowerCase(Locale.ROOT);
            String value = term.substring(name.end() + 1);
            switch (key) {
                case "redirect" -> {
                    if (redirect != null) {
                        throw new SpfSyntaxException("redirect= appears more than once");
                    }
                    redirect = MacroString.domainSpec(value);
                }
                case "exp" -> {
                    if (exp != null) {
                        throw new SpfSyntaxException("exp= appears more than once");
                    }
                    exp = MacroString.domainSpec(value);
                }
                default -> MacroString.parse(value, MacroString.Kind.RECORD); // unknown: ignored, but must parse
            }
        }
        return new SpfRecord(directives, redirect, exp);
    }

    private static Directive directive(String term) throws SpfSyntaxException {
        Qualifier qualifier = Qualifier.of(term.charAt(0));
        String rest = qualifier == null ? term : term.substring(1);
        if (qualifier == null) {
            qualifier = Qualifier.PASS;
        }
        int end = 0;
        while (end < rest.length() && rest.charAt(end) != ':' && rest.charAt(end) != '/') {
            end++;
        }
        String name = rest.substring(0, end).toLowerCase(Locale.ROOT);
        String argument = rest.substring(end);
        Mechanism mechanism = switch (name) {
            case "all" -> {
                requireEmpty(argument, term);
                yield new Mechanism.All();
            }
            case "include" -> new Mechanism.Include(MacroString.domainSpec(requiredSpec(argument, term)));
            case "exists" -> new Mechanism.Exists(MacroString.domainSpec(requiredSpec(argument, term)));
            case "ptr" -> new Mechanism.Ptr(argument.isEmpty() ? null
                    : MacroString.domainSpec(requiredSpec(argument, term)));
            case "a", "mx" -> addressMechanism(name, argument, term);
            case "ip4" -> ip4(requiredSpec(argument, term), term);
            case "ip6" -> ip6(requiredSpec(argument, term), term);
            default -> throw new SpfSyntaxException("unknown mechanism \"" + term + "\"");
        };
        return new Directive(qualifier, mechanism, term);
    }

    private static Mechanism addressMechanism(String name, String argument, String term)
            throws SpfSyntaxException {
        String spec = argument;
        int prefix6 = 128;
        int prefix4 = 32;
        Matcher v6 = CIDR6.matcher(spec);
        if (v6.find()) {
            prefix6 = prefix(v6.group(1), 128, term);
            spec = spec.substring(0, v6.start());
        }
        Matcher v4 = CIDR4.matcher(spec);
        if (v4.find()) {
            prefix4 = prefix(v4.group(1), 32, term);
            spec = spec.substring(0, v4.start());
        }
        MacroString domain = null;
        if (!spec.isEmpty()) {
            if (spec.charAt(0) != ':') {
                throw new SpfSyntaxException("bad CIDR length or argument in \"" + term + "\"");
            }
            domain = MacroString.domainSpec(spec.substring(1));
        }
        return name.equals("a") ? new Mechanism.A(domain, prefix4, prefix6) : new Mechanism.Mx(domain, prefix4, prefix6);
    }

    private static Mechanism ip4(String value, String term) throws SpfSyntaxException {
        int slash = value.indexOf('/');
        byte[] network = IpLiterals.parseV4(slash < 0 ? value : value.substring(0, slash));
        if (network == null) {
            throw new SpfSyntaxException("bad IPv4 network in \"" + term + "\"");
        }
        int prefix = slash < 0 ? 32 : prefix(value.substring(slash + 1), 32, term);
        return new Mechanism.Ip4(network, prefix);
    }

    private static Mechanism ip6(String value, String term) throws SpfSyntaxException {
        int slash = value.indexOf('/');
        String address = slash < 0 ? value : value.substring(0, slash);
        byte[] network = address.indexOf(':') < 0 ? null : IpLiterals.parseV6(address);
        if (network == null) {
            throw new SpfSyntaxException("bad IPv6 network in \"" + term + "\"");
        }
        int prefix = slash < 0 ? 128 : prefix(value.substring(slash + 1), 128, term);
        return new Mechanism.Ip6(network, prefix);
    }

    /** A CIDR length: decimal without leading zeros, at most {@code max}. */
    private static int prefix(String digits, int max, String term) throws SpfSyntaxException {
        boolean wellFormed = !digits.isEmpty() && digits.length() <= 3 && digits.chars().allMatch(Character::isDigit)
                && (digits.length() == 1 || digits.charAt(0) != '0');
        if (!wellFormed || Integer.parseInt(digits) > max) {
            throw new SpfSyntaxException("bad CIDR length /" + digits + " in \"" + term + "\" (0 to " + max + ")");
        }
        return Integer.parseInt(digits);
    }

    private static String requiredSpec(String argument, String term) throws SpfSyntaxException {
        if (argument.length() < 2 || argument.charAt(0) != ':') {
            throw new SpfSyntaxException("\"" + term + "\" needs \":\" and a value");
        }
        return argument.substring(1);
    }

    private static void requireEmpty(String argument, String term) throws SpfSyntaxException {
        if (!argument.isEmpty()) {
            throw new SpfSyntaxException("\"" + term + "\" takes no argument");
        }
    }
}
