/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * SPICE wire constants, in one place: magic and versions, fixed sizes,
 * channel types, link errors, capability bits, message numbers (all
 * channels, both directions), VD agent numbers, and Tether's own limits on
 * what a server may send.
 *
 * Numbers are from the protocol (spice-protocol 0.14.3 / spice.proto, as
 * summarised in docs/spice-protocol.md); the TETHER_SPICE_MAX_* limits are
 * Tether's choices and say so.
 */

#include <glib.h>

G_BEGIN_DECLS

/* ---- link stage (§3) ---------------------------------------------------- */

/* The bytes "REDQ" read as a little-endian u32. */
#define TETHER_SPICE_MAGIC                   0x51444552u
#define TETHER_SPICE_VERSION_MAJOR           2u
#define TETHER_SPICE_VERSION_MINOR           2u

#define TETHER_SPICE_LINK_HEADER_SIZE        16u   /* SpiceLinkHeader */
#define TETHER_SPICE_LINK_MESS_SIZE          18u   /* SpiceLinkMess without caps */
#define TETHER_SPICE_LINK_REPLY_SIZE         178u  /* SpiceLinkReply without caps */
#define TETHER_SPICE_LINK_RESULT_SIZE        4u    /* u32 SpiceLinkErr after auth */
#define TETHER_SPICE_AUTH_MECHANISM_SIZE     4u    /* SpiceLinkAuthMechanism */

/* RSA-1024 SubjectPublicKeyInfo, DER: 1024 / 8 + 34. */
#define TETHER_SPICE_TICKET_PUBKEY_BYTES     162u
/* RSA-OAEP output for a 1024-bit key. */
#define TETHER_SPICE_TICKET_ENCRYPTED_SIZE   128u
/* Longest password the protocol carries, in bytes without the NUL. */
#define TETHER_SPICE_MAX_PASSWORD_LENGTH     60u

/* Auth mechanism word = the bit number of the chosen common capability. */
#define TETHER_SPICE_AUTH_MECHANISM_SPICE    1u
#define TETHER_SPICE_AUTH_MECHANISM_SASL     2u

/* SpiceLinkErr (§3.8): link reply error, link result, and the reason in
 * DISCONNECTING, AGENT_DISCONNECTED and NOTIFY. */
typedef enum {
  TETHER_SPICE_LINK_ERR_OK                    = 0,
  TETHER_SPICE_LINK_ERR_ERROR                 = 1,
  TETHER_SPICE_LINK_ERR_INVALID_MAGIC         = 2,
  TETHER_SPICE_LINK_ERR_INVALID_DATA          = 3,
  TETHER_SPICE_LINK_ERR_VERSION_MISMATCH      = 4,
  TETHER_SPICE_LINK_ERR_NEED_SECURED          = 5,
  TETHER_SPICE_LINK_ERR_NEED_UNSECURED        = 6,
  TETHER_SPICE_LINK_ERR_PERMISSION_DENIED     = 7,
  TETHER_SPICE_LINK_ERR_BAD_CONNECTION_ID     = 8,
  TETHER_SPICE_LINK_ERR_CHANNEL_NOT_AVAILABLE = 9,
} TetherSpiceLinkErr;

/* ---- channel types (§1) ------------------------------------------------- */

#define TETHER_SPICE_WIRE_CHANNEL_MAIN       1u
#define TETHER_SPICE_WIRE_CHANNEL_DISPLAY    2u
#define TETHER_SPICE_WIRE_CHANNEL_INPUTS     3u
#define TETHER_SPICE_WIRE_CHANNEL_CURSOR     4u
#define TETHER_SPICE_WIRE_CHANNEL_PLAYBACK   5u
#define TETHER_SPICE_WIRE_CHANNEL_RECORD     6u
#define TETHER_SPICE_WIRE_CHANNEL_TUNNEL     7u   /* obsolete, reserved */
#define TETHER_SPICE_WIRE_CHANNEL_SMARTCARD  8u
#define TETHER_SPICE_WIRE_CHANNEL_USBREDIR   9u
#define TETHER_SPICE_WIRE_CHANNEL_PORT       10u
#define TETHER_SPICE_WIRE_CHANNEL_WEBDAV     11u

/* ---- capabilities (§3.5): bit numbers ----------------------------------- */

/* Words needed for capability bits 0 .. n_caps-1. */
#define TETHER_SPICE_CAPS_WORDS(n_caps)      (((n_caps) + 31u) / 32u)

#define TETHER_SPICE_COMMON_CAP_PROTOCOL_AUTH_SELECTION 0u
/* The same bit, by the name the brief and spice-gtk's callers use. */
#define TETHER_SPICE_COMMON_CAP_AUTH_SELECTION          TETHER_SPICE_COMMON_CAP_PROTOCOL_AUTH_SELECTION
#define TETHER_SPICE_COMMON_CAP_AUTH_SPICE              1u
#define TETHER_SPICE_COMMON_CAP_AUTH_SASL               2u
#define TETHER_SPICE_COMMON_CAP_MINI_HEADER             3u

#define TETHER_SPICE_MAIN_CAP_SEMI_SEAMLESS_MIGRATE     0u
#define TETHER_SPICE_MAIN_CAP_NAME_AND_UUID             1u
#define TETHER_SPICE_MAIN_CAP_AGENT_CONNECTED_TOKENS    2u
#define TETHER_SPICE_MAIN_CAP_SEAMLESS_MIGRATE          3u

#define TETHER_SPICE_DISPLAY_CAP_SIZED_STREAM           0u
#define TETHER_SPICE_DISPLAY_CAP_MONITORS_CONFIG        1u
#define TETHER_SPICE_DISPLAY_CAP_COMPOSITE              2u
#define TETHER_SPICE_DISPLAY_CAP_A8_SURFACE             3u
#define TETHER_SPICE_DISPLAY_CAP_STREAM_REPORT          4u
#define TETHER_SPICE_DISPLAY_CAP_LZ4_COMPRESSION        5u
#define TETHER_SPICE_DISPLAY_CAP_PREF_COMPRESSION       6u
#define TETHER_SPICE_DISPLAY_CAP_GL_SCANOUT             7u
#define TETHER_SPICE_DISPLAY_CAP_MULTI_CODEC            8u
#define TETHER_SPICE_DISPLAY_CAP_CODEC_MJPEG            9u
#define TETHER_SPICE_DISPLAY_CAP_CODEC_VP8              10u
#define TETHER_SPICE_DISPLAY_CAP_CODEC_H264             11u
#define TETHER_SPICE_DISPLAY_CAP_PREF_VIDEO_CODEC_TYPE  12u
#define TETHER_SPICE_DISPLAY_CAP_CODEC_VP9              13u
#define TETHER_SPICE_DISPLAY_CAP_CODEC_H265             14u

#define TETHER_SPICE_INPUTS_CAP_KEY_SCANCODE            0u

/* The cursor, smartcard, port and webdav channels define no caps. */

#define TETHER_SPICE_PLAYBACK_CAP_CELT_0_5_1            0u
#define TETHER_SPICE_PLAYBACK_CAP_VOLUME                1u
#define TETHER_SPICE_PLAYBACK_CAP_LATENCY               2u
#define TETHER_SPICE_PLAYBACK_CAP_OPUS                  3u

#define TETHER_SPICE_RECORD_CAP_CELT_0_5_1              0u
#define TETHER_SPICE_RECORD_CAP_VOLUME                  1u
#define TETHER_SPICE_RECORD_CAP_OPUS                    2u

#define TETHER_SPICE_SPICEVMC_CAP_DATA_COMPRESS_LZ4     0u

/* ---- data framing (§4.1, §4.2) ------------------------------------------ */

#define TETHER_SPICE_FULL_HEADER_SIZE        18u   /* SpiceDataHeader */
#define TETHER_SPICE_MINI_HEADER_SIZE        6u    /* SpiceMiniDataHeader */
#define TETHER_SPICE_SUB_MESSAGE_HEADER_SIZE 6u    /* SpiceSubMessage: u16 type, u32 size */

/* ---- common messages (§4.4), every channel ------------------------------ */

/* server -> client */
#define TETHER_SPICE_MSG_MIGRATE                    1u
#define TETHER_SPICE_MSG_MIGRATE_DATA               2u
#define TETHER_SPICE_MSG_SET_ACK                    3u
#define TETHER_SPICE_MSG_PING                       4u
#define TETHER_SPICE_MSG_WAIT_FOR_CHANNELS          5u
#define TETHER_SPICE_MSG_DISCONNECTING              6u
#define TETHER_SPICE_MSG_NOTIFY                     7u
#define TETHER_SPICE_MSG_LIST                       8u
#define TETHER_SPICE_MSG_BASE_LAST                  100u

/* client -> server */
#define TETHER_SPICE_MSGC_ACK_SYNC                  1u
#define TETHER_SPICE_MSGC_ACK                       2u
#define TETHER_SPICE_MSGC_PONG                      3u
#define TETHER_SPICE_MSGC_MIGRATE_FLUSH_MARK        4u
#define TETHER_SPICE_MSGC_MIGRATE_DATA              5u
#define TETHER_SPICE_MSGC_DISCONNECTING             6u

/* MIGRATE flags */
#define TETHER_SPICE_MIGRATE_NEED_FLUSH             (1u << 0)
#define TETHER_SPICE_MIGRATE_NEED_DATA_TRANSFER     (1u << 1)

/* NOTIFY severity and visibility */
#define TETHER_SPICE_NOTIFY_SEVERITY_INFO           0u
#define TETHER_SPICE_NOTIFY_SEVERITY_WARN           1u
#define TETHER_SPICE_NOTIFY_SEVERITY_ERROR          2u
#define TETHER_SPICE_NOTIFY_VISIBILITY_LOW          0u
#define TETHER_SPICE_NOTIFY_VISIBILITY_MEDIUM       1u
#define TETHER_SPICE_NOTIFY_VISIBILITY_HIGH         2u

/* ---- main channel (§5) -------------------------------------------------- */

/* server -> client */
#define TETHER_SPICE_MSG_MAIN_MIGRATE_BEGIN             101u
#define TETHER_SPICE_MSG_MAIN_MIGRATE_CANCEL            102u
#define TETHER_SPICE_MSG_MAIN_INIT                      103u
#define TETHER_SPICE_MSG_MAIN_CHANNELS_LIST             104u
#define TETHER_SPICE_MSG_MAIN_MOUSE_MODE                105u
#define TETHER_SPICE_MSG_MAIN_MULTI_MEDIA_TIME          106u
#define TETHER_SPICE_MSG_MAIN_AGENT_CONNECTED           107u
#define TETHER_SPICE_MSG_MAIN_AGENT_DISCONNECTED        108u
#define TETHER_SPICE_MSG_MAIN_AGENT_DATA                109u
#define TETHER_SPICE_MSG_MAIN_AGENT_TOKEN               110u
#define TETHER_SPICE_MSG_MAIN_MIGRATE_SWITCH_HOST       111u
#define TETHER_SPICE_MSG_MAIN_MIGRATE_END               112u
#define TETHER_SPICE_MSG_MAIN_NAME                      113u
#define TETHER_SPICE_MSG_MAIN_UUID                      114u
#define TETHER_SPICE_MSG_MAIN_AGENT_CONNECTED_TOKENS    115u
#define TETHER_SPICE_MSG_MAIN_MIGRATE_BEGIN_SEAMLESS    116u
#define TETHER_SPICE_MSG_MAIN_MIGRATE_DST_SEAMLESS_ACK  117u
#define TETHER_SPICE_MSG_MAIN_MIGRATE_DST_SEAMLESS_NACK 118u

/* client -> server */
#define TETHER_SPICE_MSGC_MAIN_CLIENT_INFO                101u
#define TETHER_SPICE_MSGC_MAIN_MIGRATE_CONNECTED          102u
#define TETHER_SPICE_MSGC_MAIN_MIGRATE_CONNECT_ERROR      103u
#define TETHER_SPICE_MSGC_MAIN_ATTACH_CHANNELS            104u
#define TETHER_SPICE_MSGC_MAIN_MOUSE_MODE_REQUEST         105u
#define TETHER_SPICE_MSGC_MAIN_AGENT_START                106u
#define TETHER_SPICE_MSGC_MAIN_AGENT_DATA                 107u
#define TETHER_SPICE_MSGC_MAIN_AGENT_TOKEN                108u
#define TETHER_SPICE_MSGC_MAIN_MIGRATE_END                109u
#define TETHER_SPICE_MSGC_MAIN_MIGRATE_DST_DO_SEAMLESS    110u
#define TETHER_SPICE_MSGC_MAIN_MIGRATE_CONNECTED_SEAMLESS 111u
#define TETHER_SPICE_MSGC_MAIN_QUALITY_INDICATOR          112u

/* Mouse modes (flags in MOUSE_MODE/INIT, a single value in the request). */
#define TETHER_SPICE_MOUSE_MODE_SERVER       1u
#define TETHER_SPICE_MOUSE_MODE_CLIENT       2u
#define TETHER_SPICE_MOUSE_MODE_MASK         3u

#define TETHER_SPICE_UUID_SIZE               16u
#define TETHER_SPICE_MAIN_INIT_SIZE          32u
#define TETHER_SPICE_MIGRATE_DST_INFO_SIZE   20u

/* Tokens spice-gtk grants the server in AGENT_START: unlimited. */
#define TETHER_SPICE_AGENT_TOKENS_UNLIMITED  0xffffffffu

/* ---- display channel (§7, Appendix A) ----------------------------------- */

#define TETHER_SPICE_MSG_DISPLAY_MODE                   101u
#define TETHER_SPICE_MSG_DISPLAY_MARK                   102u
#define TETHER_SPICE_MSG_DISPLAY_RESET                  103u
#define TETHER_SPICE_MSG_DISPLAY_COPY_BITS              104u
#define TETHER_SPICE_MSG_DISPLAY_INVAL_LIST             105u
#define TETHER_SPICE_MSG_DISPLAY_INVAL_ALL_PIXMAPS      106u
#define TETHER_SPICE_MSG_DISPLAY_INVAL_PALETTE          107u
#define TETHER_SPICE_MSG_DISPLAY_INVAL_ALL_PALETTES     108u
#define TETHER_SPICE_MSG_DISPLAY_STREAM_CREATE          122u
#define TETHER_SPICE_MSG_DISPLAY_STREAM_DATA            123u
#define TETHER_SPICE_MSG_DISPLAY_STREAM_CLIP            124u
#define TETHER_SPICE_MSG_DISPLAY_STREAM_DESTROY         125u
#define TETHER_SPICE_MSG_DISPLAY_STREAM_DESTROY_ALL     126u
#define TETHER_SPICE_MSG_DISPLAY_DRAW_FILL              302u
#define TETHER_SPICE_MSG_DISPLAY_DRAW_OPAQUE            303u
#define TETHER_SPICE_MSG_DISPLAY_DRAW_COPY              304u
#define TETHER_SPICE_MSG_DISPLAY_DRAW_BLEND             305u
#define TETHER_SPICE_MSG_DISPLAY_DRAW_BLACKNESS         306u
#define TETHER_SPICE_MSG_DISPLAY_DRAW_WHITENESS         307u
#define TETHER_SPICE_MSG_DISPLAY_DRAW_INVERS            308u
#define TETHER_SPICE_MSG_DISPLAY_DRAW_ROP3              309u
#define TETHER_SPICE_MSG_DISPLAY_DRAW_STROKE            310u
#define TETHER_SPICE_MSG_DISPLAY_DRAW_TEXT              311u
#define TETHER_SPICE_MSG_DISPLAY_DRAW_TRANSPARENT       312u
#define TETHER_SPICE_MSG_DISPLAY_DRAW_ALPHA_BLEND       313u
#define TETHER_SPICE_MSG_DISPLAY_SURFACE_CREATE         314u
#define TETHER_SPICE_MSG_DISPLAY_SURFACE_DESTROY        315u
#define TETHER_SPICE_MSG_DISPLAY_STREAM_DATA_SIZED      316u
#define TETHER_SPICE_MSG_DISPLAY_MONITORS_CONFIG        317u
#define TETHER_SPICE_MSG_DISPLAY_DRAW_COMPOSITE         318u
#define TETHER_SPICE_MSG_DISPLAY_STREAM_ACTIVATE_REPORT 319u
#define TETHER_SPICE_MSG_DISPLAY_GL_SCANOUT_UNIX        320u
#define TETHER_SPICE_MSG_DISPLAY_GL_DRAW                321u
#define TETHER_SPICE_MSG_DISPLAY_QUALITY_INDICATOR      322u

#define TETHER_SPICE_MSGC_DISPLAY_INIT                        101u
#define TETHER_SPICE_MSGC_DISPLAY_STREAM_REPORT               102u
#define TETHER_SPICE_MSGC_DISPLAY_PREFERRED_COMPRESSION       103u
#define TETHER_SPICE_MSGC_DISPLAY_GL_DRAW_DONE                104u
#define TETHER_SPICE_MSGC_DISPLAY_PREFERRED_VIDEO_CODEC_TYPE  105u

/* ---- inputs channel (§11) ----------------------------------------------- */

#define TETHER_SPICE_MSG_INPUTS_INIT                101u
#define TETHER_SPICE_MSG_INPUTS_KEY_MODIFIERS       102u
#define TETHER_SPICE_MSG_INPUTS_MOUSE_MOTION_ACK    111u

#define TETHER_SPICE_MSGC_INPUTS_KEY_DOWN           101u
#define TETHER_SPICE_MSGC_INPUTS_KEY_UP             102u
#define TETHER_SPICE_MSGC_INPUTS_KEY_MODIFIERS      103u
#define TETHER_SPICE_MSGC_INPUTS_KEY_SCANCODE       104u
#define TETHER_SPICE_MSGC_INPUTS_MOUSE_MOTION       111u
#define TETHER_SPICE_MSGC_INPUTS_MOUSE_POSITION     112u
#define TETHER_SPICE_MSGC_INPUTS_MOUSE_PRESS        113u
#define TETHER_SPICE_MSGC_INPUTS_MOUSE_RELEASE      114u

/* ---- cursor channel (§13), server -> client only ------------------------ */

#define TETHER_SPICE_MSG_CURSOR_INIT                101u
#define TETHER_SPICE_MSG_CURSOR_RESET               102u
#define TETHER_SPICE_MSG_CURSOR_SET                 103u
#define TETHER_SPICE_MSG_CURSOR_MOVE                104u
#define TETHER_SPICE_MSG_CURSOR_HIDE                105u
#define TETHER_SPICE_MSG_CURSOR_TRAIL               106u
#define TETHER_SPICE_MSG_CURSOR_INVAL_ONE           107u
#define TETHER_SPICE_MSG_CURSOR_INVAL_ALL           108u

/* ---- playback and record (§12) ------------------------------------------ */

#define TETHER_SPICE_MSG_PLAYBACK_DATA              101u
#define TETHER_SPICE_MSG_PLAYBACK_MODE              102u
#define TETHER_SPICE_MSG_PLAYBACK_START             103u
#define TETHER_SPICE_MSG_PLAYBACK_STOP              104u
#define TETHER_SPICE_MSG_PLAYBACK_VOLUME            105u
#define TETHER_SPICE_MSG_PLAYBACK_MUTE              106u
#define TETHER_SPICE_MSG_PLAYBACK_LATENCY           107u

#define TETHER_SPICE_MSG_RECORD_START               101u
#define TETHER_SPICE_MSG_RECORD_STOP                102u
#define TETHER_SPICE_MSG_RECORD_VOLUME              103u
#define TETHER_SPICE_MSG_RECORD_MUTE                104u

#define TETHER_SPICE_MSGC_RECORD_DATA               101u
#define TETHER_SPICE_MSGC_RECORD_MODE               102u
#define TETHER_SPICE_MSGC_RECORD_START_MARK         103u

/* ---- smartcard, spicevmc (usbredir/port/webdav), port (§15) ------------- */

#define TETHER_SPICE_MSG_SMARTCARD_DATA             101u
#define TETHER_SPICE_MSGC_SMARTCARD_DATA            101u

#define TETHER_SPICE_MSG_SPICEVMC_DATA              101u
#define TETHER_SPICE_MSG_SPICEVMC_COMPRESSED_DATA   102u
#define TETHER_SPICE_MSGC_SPICEVMC_DATA             101u
#define TETHER_SPICE_MSGC_SPICEVMC_COMPRESSED_DATA  102u

#define TETHER_SPICE_MSG_PORT_INIT                  201u
#define TETHER_SPICE_MSG_PORT_EVENT                 202u
#define TETHER_SPICE_MSGC_PORT_EVENT                201u

/* ---- VD agent (§6) ------------------------------------------------------ */

#define TETHER_SPICE_VD_AGENT_PROTOCOL              1u
#define TETHER_SPICE_VD_AGENT_HEADER_SIZE           20u    /* VDAgentMessage */
/* Largest body of one AGENT_DATA message, either direction. */
#define TETHER_SPICE_VD_AGENT_MAX_DATA_SIZE         2048u

#define TETHER_SPICE_VD_AGENT_MOUSE_STATE            1u
#define TETHER_SPICE_VD_AGENT_MONITORS_CONFIG        2u
#define TETHER_SPICE_VD_AGENT_REPLY                  3u
#define TETHER_SPICE_VD_AGENT_CLIPBOARD              4u
#define TETHER_SPICE_VD_AGENT_DISPLAY_CONFIG         5u
#define TETHER_SPICE_VD_AGENT_ANNOUNCE_CAPABILITIES  6u
#define TETHER_SPICE_VD_AGENT_CLIPBOARD_GRAB         7u
#define TETHER_SPICE_VD_AGENT_CLIPBOARD_REQUEST      8u
#define TETHER_SPICE_VD_AGENT_CLIPBOARD_RELEASE      9u
#define TETHER_SPICE_VD_AGENT_FILE_XFER_START        10u
#define TETHER_SPICE_VD_AGENT_FILE_XFER_STATUS       11u
#define TETHER_SPICE_VD_AGENT_FILE_XFER_DATA         12u
#define TETHER_SPICE_VD_AGENT_CLIENT_DISCONNECTED    13u
#define TETHER_SPICE_VD_AGENT_MAX_CLIPBOARD          14u
#define TETHER_SPICE_VD_AGENT_AUDIO_VOLUME_SYNC      15u
#define TETHER_SPICE_VD_AGENT_GRAPHICS_DEVICE_INFO   16u

#define TETHER_SPICE_VD_AGENT_CAP_MOUSE_STATE                    0u
#define TETHER_SPICE_VD_AGENT_CAP_MONITORS_CONFIG                1u
#define TETHER_SPICE_VD_AGENT_CAP_REPLY                          2u
#define TETHER_SPICE_VD_AGENT_CAP_CLIPBOARD                      3u
#define TETHER_SPICE_VD_AGENT_CAP_DISPLAY_CONFIG                 4u
#define TETHER_SPICE_VD_AGENT_CAP_CLIPBOARD_BY_DEMAND            5u
#define TETHER_SPICE_VD_AGENT_CAP_CLIPBOARD_SELECTION            6u
#define TETHER_SPICE_VD_AGENT_CAP_SPARSE_MONITORS_CONFIG         7u
#define TETHER_SPICE_VD_AGENT_CAP_GUEST_LINEEND_LF               8u
#define TETHER_SPICE_VD_AGENT_CAP_GUEST_LINEEND_CRLF             9u
#define TETHER_SPICE_VD_AGENT_CAP_MAX_CLIPBOARD                  10u
#define TETHER_SPICE_VD_AGENT_CAP_AUDIO_VOLUME_SYNC              11u
#define TETHER_SPICE_VD_AGENT_CAP_MONITORS_CONFIG_POSITION       12u
#define TETHER_SPICE_VD_AGENT_CAP_FILE_XFER_DISABLED             13u
#define TETHER_SPICE_VD_AGENT_CAP_FILE_XFER_DETAILED_ERRORS      14u
#define TETHER_SPICE_VD_AGENT_CAP_GRAPHICS_DEVICE_INFO           15u
#define TETHER_SPICE_VD_AGENT_CAP_CLIPBOARD_NO_RELEASE_ON_REGRAB 16u
#define TETHER_SPICE_VD_AGENT_CAP_CLIPBOARD_GRAB_SERIAL          17u
#define TETHER_SPICE_VD_AGENT_END_CAP                            18u

/* ---- Tether's limits on what a server may send -------------------------- */

/* Link stage: the whole SpiceLinkReply with its caps (the server's own
 * limit for the client's link message), and caps words per array. */
#define TETHER_SPICE_MAX_LINK_SIZE                4096u
#define TETHER_SPICE_MAX_CAPS_WORDS               1024u

/* Framing: the largest message body per channel (any type not listed
 * below), and for the common messages that may be large. */
#define TETHER_SPICE_MAX_MAIN_MESSAGE_SIZE        (64u * 1024u)
#define TETHER_SPICE_MAX_DISPLAY_MESSAGE_SIZE     (64u * 1024u * 1024u)
#define TETHER_SPICE_MAX_CURSOR_MESSAGE_SIZE      (4u * 1024u * 1024u)
#define TETHER_SPICE_MAX_INPUTS_MESSAGE_SIZE      (4u * 1024u)
#define TETHER_SPICE_MAX_PLAYBACK_MESSAGE_SIZE    (1024u * 1024u)
#define TETHER_SPICE_MAX_RECORD_MESSAGE_SIZE      (4u * 1024u)
#define TETHER_SPICE_MAX_SPICEVMC_MESSAGE_SIZE    (16u * 1024u * 1024u)
#define TETHER_SPICE_MAX_OTHER_MESSAGE_SIZE       (64u * 1024u)
/* PING carries up to 256000 bytes in the main channel's bandwidth test. */
#define TETHER_SPICE_MAX_PING_DATA_SIZE           (512u * 1024u)
#define TETHER_SPICE_MAX_MIGRATE_DATA_SIZE        (16u * 1024u * 1024u)

#define TETHER_SPICE_MAX_SUB_MESSAGES             256u
#define TETHER_SPICE_MAX_WAIT_CHANNELS            64u
#define TETHER_SPICE_MAX_NOTIFY_MESSAGE_LENGTH    4096u
#define TETHER_SPICE_MAX_CHANNELS                 512u
#define TETHER_SPICE_MAX_NAME_LENGTH              4096u   /* MAIN_NAME, with its NUL */
#define TETHER_SPICE_MAX_HOST_LENGTH              1024u   /* migration host, with its NUL */
#define TETHER_SPICE_MAX_CERT_SUBJECT_LENGTH      4096u   /* with its NUL */

/* Agent: a reassembled message (header excluded); 100 MiB is spice-gtk's
 * default clipboard limit, plus room for the clipboard header. Callers may
 * pass a smaller limit. */
#define TETHER_SPICE_MAX_AGENT_MESSAGE_SIZE       (100u * 1024u * 1024u + 64u)
#define TETHER_SPICE_MAX_AGENT_CAPS_WORDS         64u

G_END_DECLS
