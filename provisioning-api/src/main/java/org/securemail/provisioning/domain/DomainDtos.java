package org.securemail.provisioning.domain;

import org.eclipse.microprofile.openapi.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

import org.securemail.common.provisioning.NextHop;
import org.securemail.common.provisioning.TlsPolicy;
import org.securemail.provisioning.policy.PolicyDtos.PolicyInput;
import org.securemail.provisioning.policy.PolicyDtos.PolicyView;

/** JSON bodies of {@code /api/v1/domains}. */
public final class DomainDtos {

    /** Platform limit for a domain's maximum message size (the mail topics carry up to 25 MiB). */
    public static final long MAX_MESSAGE_SIZE = 25L * 1024 * 1024;

    private DomainDtos() {
    }

    @Schema(example = "{\"host\": \"mx1.example.com\", \"port\": 25, \"preference\": 10, \"tls\": \"OPPORTUNISTIC\"}")
    public record NextHopInput(
            @NotBlank @Size(max = 253) String host,
            @Min(1) @Max(65535) int port,
            @Min(0) @Max(65535) int preference,
            TlsPolicy tls) {
    }

    /**
     * @param tenantId required with an operator key; a tenant key may omit it (its own tenant)
     * @param name     Unicode or A-label; stored as lower-case A-labels
     */
    @Schema(example = "{\"tenantId\": \"3f0c2a9e-8d1b-4c55-9a7e-2b6f1d0c4e11\", \"name\": \"example.com\", \"inboundEnabled\": true, \"nextHops\": [{\"host\": \"mx1.example.com\", \"port\": 25, \"preference\": 10, \"tls\": \"OPPORTUNISTIC\"}], \"recipientListOnly\": false, \"maxMessageSize\": 26214400, \"outboundAllowed\": true, \"policy\": {\"spf\": \"TAG\", \"dmarc\": \"TAG\", \"dnsblZones\": [\"zen.example-dnsbl.org\"]}}")
    public record CreateDomain(
            UUID tenantId,
            @NotBlank @Size(max = 253) String name,
            Boolean inboundEnabled,
            @Size(max = 16) List<@Valid @NotNull NextHopInput> nextHops,
            Boolean recipientListOnly,
            @PositiveOrZero @Max(MAX_MESSAGE_SIZE) Long maxMessageSize,
            Boolean outboundAllowed,
            @Valid PolicyInput policy) {
    }

    /** Full replacement of a domain's relay settings; {@code version} is the one last read (optimistic locking). */
    @Schema(example = "{\"version\": 3, \"inboundEnabled\": true, \"nextHops\": [{\"host\": \"mx1.example.com\", \"port\": 25, \"preference\": 10, \"tls\": \"OPPORTUNISTIC\"}], \"recipientListOnly\": true, \"maxMessageSize\": 26214400, \"outboundAllowed\": true}")
    public record UpdateDomain(
            @NotNull Long version,
            @NotNull Boolean inboundEnabled,
            @NotNull @Size(max = 16) List<@Valid @NotNull NextHopInput> nextHops,
            @NotNull Boolean recipientListOnly,
            @NotNull @PositiveOrZero @Max(MAX_MESSAGE_SIZE) Long maxMessageSize,
            @NotNull Boolean outboundAllowed) {
    }

    /**
     * Where the claim stands and what to publish: TXT {@code txtName} with the value {@code txtValue}.
     *
     * @param verifiedBy {@code DNS}, {@code OPERATOR} or {@code MIGRATION} once verified
     * @param lastCheck  the last DNS check or state change, null before the first
     */
    @Schema(example = "{\"state\": \"PENDING\", \"txtName\": \"_securemail-verification.example.com\", \"txtValue\": \"securemail-verification=5kq2v9x4m7c1\", \"lastCheck\": {\"at\": \"2026-12-06T10:16:00Z\", \"outcome\": \"MISSING\", \"detail\": \"no TXT record at _securemail-verification.example.com\"}, \"nextCheckAt\": \"2026-12-06T10:18:00Z\"}")
    public record VerificationView(
            VerificationState state,
            String txtName,
            String txtValue,
            String verifiedBy,
            Instant verifiedAt,
            LastCheck lastCheck,
            Instant nextCheckAt) {
    }

    /** @param outcome {@code FOUND}, {@code MISSING}, {@code MISMATCH}, {@code TEMPORARY_FAILURE}, ... */
    @Schema(example = "{\"at\": \"2026-12-06T10:16:00Z\", \"outcome\": \"MISSING\", \"detail\": \"no TXT record at _securemail-verification.example.com\"}")
    public record LastCheck(Instant at, String outcome, String detail) {
    }

    @Schema(example = "{\"id\": \"7a41c3d2-5e6f-4a8b-9c0d-1e2f3a4b5c6d\", \"tenantId\": \"3f0c2a9e-8d1b-4c55-9a7e-2b6f1d0c4e11\", \"name\": \"example.com\", \"unicodeName\": \"example.com\", \"inboundEnabled\": true, \"nextHops\": [{\"host\": \"mx1.example.com\", \"port\": 25, \"preference\": 10, \"tls\": \"OPPORTUNISTIC\"}], \"recipientListOnly\": false, \"maxMessageSize\": 26214400, \"outboundAllowed\": true, \"policy\": {\"spf\": \"TAG\", \"dmarc\": \"TAG\", \"dnsblZones\": [], \"version\": 1}, \"verification\": {\"state\": \"VERIFIED\", \"txtName\": \"_securemail-verification.example.com\", \"txtValue\": \"securemail-verification=5kq2v9x4m7c1\", \"verifiedBy\": \"DNS\", \"verifiedAt\": \"2026-12-06T10:20:00Z\"}, \"version\": 1, \"createdAt\": \"2026-12-06T10:15:30Z\", \"updatedAt\": \"2026-12-06T10:20:00Z\"}")
    public record DomainView(
            UUID id,
            UUID tenantId,
            String name,
            String unicodeName,
            boolean inboundEnabled,
            List<NextHop> nextHops,
            boolean recipientListOnly,
            long maxMessageSize,
            boolean outboundAllowed,
            PolicyView policy,
            VerificationView verification,
            long version,
            Instant createdAt,
            Instant updatedAt) {
    }
}
