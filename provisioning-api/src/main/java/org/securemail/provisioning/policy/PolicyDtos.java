package org.securemail.provisioning.policy;

import org.eclipse.microprofile.openapi.annotations.media.Schema;
import java.util.List;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import org.securemail.provisioning.domain.Domain;

/** JSON bodies of {@code /api/v1/domains/{id}/policy}. */
public final class PolicyDtos {

    private PolicyDtos() {
    }

    /** A policy given at domain creation; absent members take the defaults (SPF tag, DMARC tag, no DNSBL). */
    @Schema(example = "{\"spf\": \"TAG\", \"dmarc\": \"REJECT\", \"dnsblZones\": [\"zen.example-dnsbl.org\"]}")
    public record PolicyInput(PolicyMode spf, PolicyMode dmarc, @Size(max = 10) List<@NotBlank String> dnsblZones) {
    }

    /** Full replacement of a domain's policy; {@code version} is the domain version last read. */
    @Schema(example = "{\"spf\": \"TAG\", \"dmarc\": \"REJECT\", \"dnsblZones\": [\"zen.example-dnsbl.org\"], \"version\": 3}")
    public record UpdatePolicy(
            @NotNull PolicyMode spf,
            @NotNull PolicyMode dmarc,
            @NotNull @Size(max = 10) List<@NotBlank String> dnsblZones,
            @NotNull Long version) {
    }

    @Schema(example = "{\"spf\": \"TAG\", \"dmarc\": \"REJECT\", \"dnsblZones\": [\"zen.example-dnsbl.org\"], \"version\": 4}")
    public record PolicyView(PolicyMode spf, PolicyMode dmarc, List<String> dnsblZones, long version) {

        public static PolicyView of(Domain d) {
            return new PolicyView(d.spfMode, d.dmarcMode, d.dnsblZones, d.version);
        }
    }
}
