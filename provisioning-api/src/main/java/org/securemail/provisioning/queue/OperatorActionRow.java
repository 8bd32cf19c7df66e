package org.securemail.provisioning.queue;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.securemail.common.queue.OperatorAction;

/** One row of {@code operator_action}: the audit trail of queue operations, listed by {@code GET /api/v1/queue/actions}. */
@Entity
@Table(name = "operator_action")
public class OperatorActionRow {

    @Id
    public UUID id;

    @Column(nullable = false)
    public Instant at;

    @Column(nullable = false)
    public String operator;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public OperatorAction.Action action;

    @Column(nullable = false)
    public String target;

    @Column(nullable = false)
    public String reason;

    public String detail;

    static OperatorActionRow of(OperatorAction a) {
        OperatorActionRow row = new OperatorActionRow();
        row.id = UUID.fromString(a.id());
        row.at = a.at();
        row.operator = a.operator();
        row.action = a.action();
        row.target = a.target();
        row.reason = a.reason();
        row.detail = a.detail();
        return row;
    }
}
