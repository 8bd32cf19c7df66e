package org.securemail.delivery.smtp;

import java.util.List;

/** One mail transaction: a sender, the recipients for one destination and the prepared content. */
public record Transaction(String sender, List<String> recipients, MessageContent content) {

    public Transaction {
        sender = sender == null ? "" : sender;
        recipients = List.copyOf(recipients);
    }
}
