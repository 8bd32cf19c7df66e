package org.securemail.provisioning.network;

import java.util.List;
import java.util.regex.Pattern;

import org.securemail.common.mail.DomainNames;
import org.securemail.common.net.NetworkPolicy;
import org.securemail.provisioning.error.ApiProblem;
import org.securemail.provisioning.error.FieldError;
import org.securemail.provisioning.error.ProblemType;

/**
 * The one check of a host a tenant asks the suite to connect to: a domain's next hop and a webhook endpoint's URL
 * (ADR 0059, ADR 0078). A host name is normalised like a domain (IDNA, lower case, no trailing dot) and checked again
 * on every address it resolves to when the connection is made; an IP literal must be one the {@link NetworkPolicy}
 * allows (no loopback, private, link-local, multicast or unspecified address unless an operator allows its network).
 */
public final class RemoteHosts {

    private static final Pattern IP_LITERAL =
            Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}|\\[?[0-9a-fA-F.]*:[0-9a-fA-F:.]*\\]?");

    private RemoteHosts() {
    }

    /**
     * {@code raw} as stored: a normalised host name, or an IP literal without brackets; 400 naming {@code field} when
     * it is neither, or when it is an address {@code policy} refuses.
     */
    public static String normalise(String field, String raw, NetworkPolicy policy) {
        String trimmed = raw.trim();
        if (isIpLiteral(trimmed)) {
            String ip = trimmed.replace("[", "").replace("]", "");
            if (!policy.allowsLiteral(ip)) {
                throw invalid(field, "an internal address (loopback, private, link-local, multicast or unspecified)"
                        + " is not a host this service connects to: " + ip);
            }
            return ip;
        }
        return DomainNames.normalise(trimmed)
                .orElseThrow(() -> invalid(field, "not a valid host name or IP address: " + trimmed));
    }

    public static boolean isIpLiteral(String host) {
        return IP_LITERAL.matcher(host).matches();
    }

    public static ApiProblem invalid(String field, String message) {
        return new ApiProblem(ProblemType.VALIDATION, field + ": " + message, List.of(new FieldError(field, message)));
    }
}
