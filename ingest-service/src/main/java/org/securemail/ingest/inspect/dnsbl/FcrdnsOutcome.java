package org.securemail.ingest.inspect.dnsbl;

import java.util.List;

/**
 * What an FCrDNS check found.
 *
 * @param result        the result
 * @param client        the client's address as checked (an IPv4-mapped IPv6 address is its IPv4 address)
 * @param ptrNames      the valid PTR names that were checked forward (at most {@link FcrdnsLimits#maxPtrNames()})
 * @param verifiedNames the names among them that resolve back to the client, in the PTR answer's order
 * @param explanation   the steps for operators
 */
public record FcrdnsOutcome(FcrdnsResult result, String client, List<String> ptrNames, List<String> verifiedNames,
        List<String> explanation) {

    public FcrdnsOutcome {
        ptrNames = ptrNames == null ? List.of() : List.copyOf(ptrNames);
        verifiedNames = verifiedNames == null ? List.of() : List.copyOf(verifiedNames);
        explanation = explanation == null ? List.of() : List.copyOf(explanation);
    }

    /**
     * The RFC 8601 Authentication-Results method result: {@code iprev=pass policy.iprev=192.0.2.1 (mail.example.net)};
     * the comment names the first verified name and is left out when there is none.
     */
    public String authenticationResult() {
        String text = "iprev=" + result.iprevName() + " policy.iprev=" + client;
        return verifiedNames.isEmpty() ? text : text + " (" + verifiedNames.get(0) + ")";
    }
}
