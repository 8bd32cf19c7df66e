package org.securemail.ingest.inspect.dmarc;

import java.util.ArrayList;
import java.util.List;

/**
 * Identifier alignment (RFC 7489 §3.1) of one message against one policy: which authenticated identifiers passed and
 * matched the author domain in the mode the policy asks for.
 *
 * @param spfMode            {@code aspf}
 * @param spfAligned         SPF passed and its domain aligns
 * @param spfDomain          the domain SPF authenticated (or checked), null when SPF was not checked
 * @param dkimMode           {@code adkim}
 * @param dkimAligned        at least one passing signature's {@code d=} aligns
 * @param alignedDkimDomains the {@code d=} of every aligned passing signature
 * @param temporary          no aligned pass, but an aligned identifier's mechanism ended in temperror
 */
public record Alignment(AlignmentMode spfMode, boolean spfAligned, String spfDomain, AlignmentMode dkimMode,
        boolean dkimAligned, List<String> alignedDkimDomains, boolean temporary) {

    public Alignment {
        alignedDkimDomains = List.copyOf(alignedDkimDomains);
    }

    /** How many DKIM signatures one evaluation looks at, at most. */
    public static final int MAX_SIGNATURES = 50;

    /** DMARC passes when either mechanism gave an aligned pass (§4.2). */
    public boolean passes() {
        return spfAligned || dkimAligned;
    }

    /**
     * Checks {@code input} against {@code record} for {@code authorDomain} (normalised). Identifier domains that are not
     * domain names never align. At most {@link #MAX_SIGNATURES} signatures are looked at.
     */
    static Alignment check(String authorDomain, DmarcRecord record, DmarcInput input) {
        AlignmentMode aspf = record.spfAlignment();
        AlignmentMode adkim = record.dkimAlignment();
        SpfIdentifier spf = input.spf();
        boolean spfMatches = spf != null && aligned(authorDomain, spf.domain(), aspf);
        boolean spfPass = spfMatches && spf.result() == AuthResult.PASS;
        boolean temporary = spfMatches && spf.result() == AuthResult.TEMPERROR;
        List<String> dkimAligned = new ArrayList<>();
        int looked = 0;
        for (DkimIdentifier signature : input.dkim()) {
            if (++looked > MAX_SIGNATURES) {
                break;
            }
            if (!aligned(authorDomain, signature.domain(), adkim)) {
                continue;
            }
            if (signature.result() == AuthResult.PASS) {
                OrganizationalDomain.normalise(signature.domain()).ifPresent(dkimAligned::add);
            } else if (signature.result() == AuthResult.TEMPERROR) {
                temporary = true;
            }
        }
        boolean anyPass = spfPass || !dkimAligned.isEmpty();
        return new Alignment(aspf, spfPass, spf == null ? null : spf.domain(), adkim, !dkimAligned.isEmpty(),
                dkimAligned.stream().distinct().toList(), temporary && !anyPass);
    }

    /** Strict: the same name; relaxed: the same organisational domain (§3.1.1, §3.1.2). */
    static boolean aligned(String authorDomain, String identifier, AlignmentMode mode) {
        return OrganizationalDomain.normalise(identifier)
                .map(id -> mode == AlignmentMode.STRICT
                        ? id.equals(authorDomain)
                        : OrganizationalDomain.relaxedMatch(id, authorDomain))
                .orElse(false);
    }
}
