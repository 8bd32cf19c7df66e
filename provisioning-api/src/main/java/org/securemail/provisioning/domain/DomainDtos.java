package org.securemail.provisioning.domain;

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
    public record LastCheck(Instant at, String outcome, String detail) {
    }

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
