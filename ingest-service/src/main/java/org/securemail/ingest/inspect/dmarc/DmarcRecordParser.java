package org.securemail.ingest.inspect.dmarc;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the text of one TXT record as a DMARC policy record (RFC 7489 §6.3, §6.4).
 *
 * <p>What it decides, from the RFC's text:
 * <ul>
 * <li>A record that does not start with {@code v=DMARC1} is {@link Parsed.NotDmarc not a DMARC record}: discovery
 * discards it (§6.6.3 step 2). The tag name is case-insensitive, the value {@code DMARC1} is not (the ABNF spells it
 * in hex, {@code %x44 %x4d...}).</li>
 * <li>Unknown tags are ignored (§6.3). A malformed fragment (no {@code =}, a bad tag name), a repeated tag or an
 * invalid value of an optional tag ({@code pct}, {@code adkim}, {@code aspf}, {@code fo}, {@code rf}, {@code ri}, a
 * bad {@code rua}/{@code ruf} URI) is discarded in favour of the default, as §6.3 says ("Syntax errors in the
 * remainder of the record SHOULD be discarded in favor of default values (if any) or ignored outright"); each is
 * listed in the notes.</li>
 * <li>A missing or invalid {@code p}, or an invalid {@code sp}: with at least one valid {@code rua} URI the record
 * acts as {@code p=none} (§6.6.3 step 6.1), otherwise the record is {@link Parsed.Invalid invalid} (step 6.2).
 * {@code p} may come anywhere after {@code v} (the order §6.3 asks for is noted, not enforced).</li>
 * <li>Bounds: a record longer than {@value #MAX_LENGTH} characters or with more than {@value #MAX_TAGS} tags is
 * invalid; at most {@value #MAX_URIS} URIs per {@code rua}/{@code ruf} and {@value #MAX_NOTES} notes are kept.</li>
 * </ul>
 * Never throws on any input.
 */
public final class DmarcRecordParser {

    public static final int MAX_LENGTH = 8192;
    public static final int MAX_TAGS = 64;
    public static final int MAX_URIS = 16;
    static final int MAX_NOTES = 20;

    private static final Pattern VERSION = Pattern.compile("^[vV][ \\t]*=[ \\t]*DMARC1[ \\t]*(;|$)");
    private static final Pattern TAG_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,10}");
    private static final Pattern KEYWORD = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?");
    private static final Pattern SIZE_SUFFIX = Pattern.compile("!([0-9]{1,15})([kmgtKMGT]?)$");

    /** What one TXT record is. */
    public sealed interface Parsed {

        /** A DMARC record, possibly with discarded parts listed in {@code notes}. */
        record Valid(DmarcRecord record, List<String> notes) implements Parsed {
            public Valid {
                notes = List.copyOf(notes);
            }
        }

        /** Starts with {@code v=DMARC1} but cannot be used (§6.6.3 step 6.2: no DMARC processing). */
        record Invalid(String reason, List<String> notes) implements Parsed {
            public Invalid {
                notes = List.copyOf(notes);
            }
        }

        /** Not a DMARC record at all; discovery ignores it. */
        record NotDmarc() implements Parsed {
        }
    }

    private DmarcRecordParser() {
    }

    /** True when {@code txt} starts with {@code v=DMARC1}: the records discovery keeps (§6.6.3 step 2). */
    public static boolean isDmarc(String txt) {
        return txt != null && VERSION.matcher(txt).find();
    }

    public static Parsed parse(String txt) {
        if (!isDmarc(txt)) {
            return new Parsed.NotDmarc();
        }
        List<String> notes = new ArrayList<>();
        if (txt.length() > MAX_LENGTH) {
            return new Parsed.Invalid("record longer than " + MAX_LENGTH + " characters (" + txt.length() + ")",
                    notes);
        }
        String[] parts = txt.split(";", -1);
        if (parts.length - 1 > MAX_TAGS) {
            return new Parsed.Invalid("record has more than " + MAX_TAGS + " tags", notes);
        }
        Builder b = new Builder(notes);
        Set<String> seen = new HashSet<>();
        seen.add("v");
        int position = 0;
        for (int i = 1; i < parts.length; i++) {
            String part = trimWsp(parts[i]);
            if (part.isEmpty()) {
                continue;
            }
            position++;
            int eq = part.indexOf('=');
            if (eq < 0) {
                b.note("fragment without '=' ignored: " + excerpt(part));
                continue;
            }
            String name = trimWsp(part.substring(0, eq));
            String value = trimWsp(part.substring(eq + 1));
            if (!TAG_NAME.matcher(name).matches()) {
                b.note("malformed tag name ignored: " + excerpt(name));
                continue;
            }
            name = name.toLowerCase(Locale.ROOT);
            if (!seen.add(name)) {
                b.note("repeated tag " + name + " ignored; the first one counts");
                continue;
            }
            if (name.equals("p") && position != 1) {
                b.note("p is not the tag right after v (RFC 7489 §6.3 asks for that order); accepted");
            }
            b.tag(name, value);
        }
        return b.build();
    }

    private static final class Builder {
        private final List<String> notes;
        private Disposition p;
        private boolean pInvalid;
        private Disposition sp;
        private boolean spInvalid;
        private int pct = DmarcRecord.DEFAULT_PERCENT;
        private AlignmentMode adkim = AlignmentMode.RELAXED;
        private AlignmentMode aspf = AlignmentMode.RELAXED;
        private List<ReportUri> rua = List.of();
        private List<ReportUri> ruf = List.of();
        private Set<FailureOption> fo = EnumSet.of(FailureOption.ALL_FAIL);
        private List<String> rf = List.of("afrf");
        private long ri = DmarcRecord.DEFAULT_REPORT_INTERVAL;

        Builder(List<String> notes) {
            this.notes = notes;
        }

        void note(String note) {
            if (notes.size() < MAX_NOTES) {
                notes.add(note);
            }
        }

        void tag(String name, String value) {
            switch (name) {
                case "p" -> {
                    p = Disposition.fromTag(value).orElse(null);
                    pInvalid = p == null;
                    if (pInvalid) {
                        note("invalid p=" + excerpt(value));
                    }
                }
                case "sp" -> {
                    sp = Disposition.fromTag(value).orElse(null);
                    spInvalid = sp == null;
                    if (spInvalid) {
                        note("invalid sp=" + excerpt(value));
                    }
                }
                case "pct" -> {
                    if (DIGITS.matcher(value).matches() && value.length() <= 3 && Integer.parseInt(value) <= 100) {
                        pct = Integer.parseInt(value);
                    } else {
                        note("invalid pct=" + excerpt(value) + " discarded; default 100");
                    }
                }
                case "adkim" -> adkim = alignment(name, value, adkim);
                case "aspf" -> aspf = alignment(name, value, aspf);
                case "rua" -> rua = uris(name, value);
                case "ruf" -> ruf = uris(name, value);
                case "fo" -> fo = failureOptions(value);
                case "rf" -> rf = formats(value);
                case "ri" -> {
                    if (DIGITS.matcher(value).matches() && Long.parseLong(value) <= 0xFFFF_FFFFL) {
                        ri = Long.parseLong(value);
                    } else {
                        note("invalid ri=" + excerpt(value) + " discarded; default 86400");
                    }
                }
                default -> note("unknown tag " + excerpt(name) + " ignored");
            }
        }

        private AlignmentMode alignment(String name, String value, AlignmentMode fallback) {
            AlignmentMode mode = AlignmentMode.fromTag(value);
            if (mode == null) {
                note("invalid " + name + "=" + excerpt(value) + " discarded; default r");
                return fallback;
            }
            return mode;
        }

        private List<ReportUri> uris(String name, String value) {
            List<ReportUri> out = new ArrayList<>();
            for (String raw : value.split(",", -1)) {
                String candidate = trimWsp(raw);
                if (out.size() == MAX_URIS) {
                    note(name + ": more than " + MAX_URIS + " URIs; the rest ignored");
                    break;
                }
                parseUri(candidate).ifPresentOrElse(out::add,
                        () -> note(name + ": invalid URI ignored: " + excerpt(candidate)));
            }
            return List.copyOf(out);
        }

        private Set<FailureOption> failureOptions(String value) {
            Set<FailureOption> options = EnumSet.noneOf(FailureOption.class);
            for (String raw : value.split(":", -1)) {
                FailureOption option = FailureOption.fromTag(trimWsp(raw));
                if (option == null) {
                    note("invalid fo=" + excerpt(value) + " discarded; default 0");
                    return EnumSet.of(FailureOption.ALL_FAIL);
                }
                options.add(option);
            }
            return options;
        }

        private List<String> formats(String value) {
            List<String> out = new ArrayList<>();
            for (String raw : value.split(":", -1)) {
                String keyword = trimWsp(raw);
                if (!KEYWORD.matcher(keyword).matches() || out.size() == MAX_URIS) {
                    note("invalid rf=" + excerpt(value) + " discarded; default afrf");
                    return List.of("afrf");
                }
                out.add(keyword.toLowerCase(Locale.ROOT));
            }
            return List.copyOf(out);
        }

        Parsed build() {
            boolean usablePolicy = p != null && !spInvalid;
            boolean fallback = false;
            if (!usablePolicy) {
                String why = p == null ? (pInvalid ? "p is invalid" : "p is missing") : "sp is invalid";
                if (rua.isEmpty()) {
                    return new Parsed.Invalid(why + " and there is no valid rua URI (RFC 7489 §6.6.3 step 6.2)",
                            notes);
                }
                note(why + "; a valid rua is present, so the record acts as p=none (RFC 7489 §6.6.3 step 6.1)");
                p = Disposition.NONE;
                sp = null;
                fallback = true;
            }
            return new Parsed.Valid(new DmarcRecord(p, sp, pct, adkim, aspf, rua, ruf, fo, rf, ri, fallback), notes);
        }
    }

    /** A {@code dmarc-uri}: an absolute URI with an optional {@code !size[k|m|g|t]}. */
    static Optional<ReportUri> parseUri(String candidate) {
        if (candidate.isEmpty() || candidate.length() > 2048) {
            return Optional.empty();
        }
        String text = candidate;
        long max = 0;
        Matcher size = SIZE_SUFFIX.matcher(candidate);
        if (size.find()) {
            text = candidate.substring(0, size.start());
            int shift = switch (size.group(2).toLowerCase(Locale.ROOT)) {
                case "k" -> 10;
                case "m" -> 20;
                case "g" -> 30;
                case "t" -> 40;
                default -> 0;
            };
            long number = Long.parseLong(size.group(1));
            max = number > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : number << shift;
        }
        if (text.indexOf('!') >= 0) {
            return Optional.empty();
        }
        try {
            URI uri = new URI(text);
            if (!uri.isAbsolute() || uri.getRawSchemeSpecificPart() == null
                    || uri.getRawSchemeSpecificPart().isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new ReportUri(uri, max));
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    private static String trimWsp(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isWsp(s.charAt(start))) {
            start++;
        }
        while (end > start && isWsp(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    private static boolean isWsp(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    static String excerpt(String s) {
        String shown = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        StringBuilder out = new StringBuilder(shown.length());
        for (int i = 0; i < shown.length(); i++) {
            char c = shown.charAt(i);
            out.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return '"' + out.toString() + '"';
    }
}
