// rabbitmq-c for Swift. 0.11 (Debian 12) installs <amqp.h> at the include root, 0.13 and later
// <rabbitmq-c/amqp.h>: both are covered. `amqp_login` is variadic and AMQP field tables are unions: both are wrapped
// here as static inline functions; macros are re-exported as constants.
#ifndef CRABBITMQ_SHIM_H
#define CRABBITMQ_SHIM_H
#if __has_include(<rabbitmq-c/amqp.h>)
#include <rabbitmq-c/amqp.h>
#include <rabbitmq-c/tcp_socket.h>
#else
#include <amqp.h>
#include <amqp_tcp_socket.h>
#endif
#include <stdio.h>
#include <string.h>

static const amqp_method_number_t camqp_basic_ack_method = AMQP_BASIC_ACK_METHOD;
static const amqp_method_number_t camqp_basic_nack_method = AMQP_BASIC_NACK_METHOD;
static const amqp_method_number_t camqp_basic_return_method = AMQP_BASIC_RETURN_METHOD;
static const amqp_method_number_t camqp_channel_close_method = AMQP_CHANNEL_CLOSE_METHOD;
static const amqp_method_number_t camqp_connection_close_method = AMQP_CONNECTION_CLOSE_METHOD;
static const int camqp_frame_method = AMQP_FRAME_METHOD;
static const int camqp_reply_success = AMQP_REPLY_SUCCESS;

/// Logs in with SASL PLAIN.
static inline amqp_rpc_reply_t camqp_login_plain(amqp_connection_state_t state, const char *vhost,
                                                 const char *user, const char *password, int heartbeat) {
    return amqp_login(state, vhost, 0, 131072, heartbeat, AMQP_SASL_METHOD_PLAIN, user, password);
}

/// Declares a durable queue. When `dead_letter_queue` is not NULL, rejected messages go to that queue
/// through the default exchange.
static inline amqp_rpc_reply_t camqp_declare_durable_queue(amqp_connection_state_t state, amqp_channel_t channel,
                                                           const char *name, const char *dead_letter_queue,
                                                           uint32_t *message_count) {
    amqp_table_entry_t entries[2];
    amqp_table_t arguments = amqp_empty_table;
    if (dead_letter_queue != NULL) {
        entries[0].key = amqp_cstring_bytes("x-dead-letter-exchange");
        entries[0].value.kind = AMQP_FIELD_KIND_UTF8;
        entries[0].value.value.bytes = amqp_cstring_bytes("");
        entries[1].key = amqp_cstring_bytes("x-dead-letter-routing-key");
        entries[1].value.kind = AMQP_FIELD_KIND_UTF8;
        entries[1].value.value.bytes = amqp_cstring_bytes(dead_letter_queue);
        arguments.num_entries = 2;
        arguments.entries = entries;
    }
    amqp_queue_declare_ok_t *ok = amqp_queue_declare(state, channel, amqp_cstring_bytes(name), 0, 1, 0, 0, arguments);
    if (ok != NULL && message_count != NULL) *message_count = ok->message_count;
    return amqp_get_rpc_reply(state);
}

/// Publishes a persistent message (delivery mode 2) to `queue` through the default exchange.
static inline int camqp_publish_persistent(amqp_connection_state_t state, amqp_channel_t channel, const char *queue,
                                           const void *body, size_t length, const char *content_type) {
    amqp_basic_properties_t properties;
    memset(&properties, 0, sizeof properties);
    properties._flags = AMQP_BASIC_DELIVERY_MODE_FLAG | AMQP_BASIC_CONTENT_TYPE_FLAG;
    properties.delivery_mode = AMQP_DELIVERY_PERSISTENT;
    properties.content_type = amqp_cstring_bytes(content_type);
    amqp_bytes_t bytes = {length, (void *)body};
    return amqp_basic_publish(state, channel, amqp_cstring_bytes(""), amqp_cstring_bytes(queue), 1, 0, &properties, bytes);
}

/// The delivery tag and `multiple` bit of a basic.ack or basic.nack frame from the broker.
static inline uint64_t camqp_confirm_tag(const amqp_frame_t *frame, int *multiple) {
    if (frame->payload.method.id == AMQP_BASIC_ACK_METHOD) {
        amqp_basic_ack_t *ack = (amqp_basic_ack_t *)frame->payload.method.decoded;
        *multiple = ack->multiple;
        return ack->delivery_tag;
    }
    amqp_basic_nack_t *nack = (amqp_basic_nack_t *)frame->payload.method.decoded;
    *multiple = nack->multiple;
    return nack->delivery_tag;
}

/// The reply code and text of a connection.close or channel.close the broker sent (e.g. 404 NOT_FOUND).
static inline uint16_t camqp_close_reason(amqp_method_t method, char *text, size_t capacity) {
    amqp_bytes_t reply_text;
    uint16_t code;
    if (method.id == AMQP_CONNECTION_CLOSE_METHOD) {
        amqp_connection_close_t *close = (amqp_connection_close_t *)method.decoded;
        code = close->reply_code;
        reply_text = close->reply_text;
    } else if (method.id == AMQP_CHANNEL_CLOSE_METHOD) {
        amqp_channel_close_t *close = (amqp_channel_close_t *)method.decoded;
        code = close->reply_code;
        reply_text = close->reply_text;
    } else {
        snprintf(text, capacity, "unexpected method 0x%08x", method.id);
        return 0;
    }
    size_t length = reply_text.len < capacity - 1 ? reply_text.len : capacity - 1;
    memcpy(text, reply_text.bytes, length);
    text[length] = 0;
    return code;
}

#endif
