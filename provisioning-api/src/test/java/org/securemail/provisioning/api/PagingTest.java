package org.securemail.provisioning.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.securemail.provisioning.config.ProvisioningConfig;
import org.securemail.provisioning.auth.Caller;
import org.securemail.provisioning.auth.Role;
import org.securemail.provisioning.auth.TenantScope;
import org.securemail.provisioning.error.ApiProblem;

import io.quarkus.panache.common.Parameters;

class PagingTest {

    @Test
    void aPageOfLimitPlusOneRowsHasANextCursor() {
        Page<String> page = Page.of(List.of(1, 2, 3), 2, String::valueOf, String::valueOf);
        assertThat(page.items()).containsExactly("1", "2");
        assertThat(page.nextCursor()).isEqualTo("2");
        assertThat(Page.of(List.of(1, 2), 2, String::valueOf, String::valueOf).nextCursor()).isNull();
    }

    @Test
    void limitsAndCursorsAreChecked() {
        ProvisioningConfig config = config();
        assertThat(PageRequest.of(null, null, config).limit()).isEqualTo(50);
        assertThat(PageRequest.of(200, "", config).after()).isNull();
        assertThatThrownBy(() -> PageRequest.of(201, null, config)).isInstanceOf(ApiProblem.class);
        assertThatThrownBy(() -> PageRequest.of(0, null, config)).isInstanceOf(ApiProblem.class);
        assertThatThrownBy(() -> PageRequest.of(10, "nope", config)).isInstanceOf(ApiProblem.class);
    }

    @Test
    void aTenantScopeAlwaysFiltersOnTheCallersTenant() {
        UUID tenant = UUID.randomUUID();
        TenantScope scoped = TenantScope.byId(new Caller(UUID.randomUUID(), Role.TENANT, tenant), UUID.randomUUID())
                .page(new PageRequest(10, UUID.randomUUID()));
        assertThat(scoped.hql()).isEqualTo("id = :id and tenantId = :scopeTenant and id > :after order by id");
        assertThat(scoped.params().map()).containsEntry("scopeTenant", tenant);

        TenantScope operator = TenantScope.of(Caller.bootstrapOperator(), "1 = 1", new Parameters());
        assertThat(operator.hql()).doesNotContain("tenantId");
    }

    private static ProvisioningConfig config() {
        return new ProvisioningConfig() {
            public Optional<String> bootstrapOperatorKey() {
                return Optional.empty();
            }

            public int bcryptCost() {
                return 4;
            }

            public int maxPageSize() {
                return 200;
            }

            public int defaultPageSize() {
                return 50;
            }

            public Outbox outbox() {
                throw new UnsupportedOperationException();
            }

            public RateLimit rateLimit() {
                throw new UnsupportedOperationException();
            }

            public Network network() {
                throw new UnsupportedOperationException();
            }

            public Verification verification() {
                throw new UnsupportedOperationException();
            }

            public Quarantine quarantine() {
                throw new UnsupportedOperationException();
            }

            public Suppression suppression() {
                throw new UnsupportedOperationException();
            }

            public Webhooks webhooks() {
                throw new UnsupportedOperationException();
            }

            public Console console() {
                throw new UnsupportedOperationException();
            }
        };
    }
}
