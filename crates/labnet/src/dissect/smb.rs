//! SMB after NetBIOS as Scapy 2.8.0 reads it (`_SMBGeneric`'s dispatch on the first
//! four bytes): the SMB 1 header (`\xffSMB`), the SMB 2/3 header (`\xfeSMB`, with its
//! synchronous or asynchronous ids), the SMB 3 transform header (`\xfdSMB`, an
//! encrypted message) and compression transform header (`\xfcSMB`), else
//! `_SMBGeneric` over the first four bytes. After the SMB 2 header of a server's
//! failure, its error response; otherwise the bodies of fixed fields Scapy decodes
//! for its command (logoff, tree connect's response, tree disconnect, close, write's
//! response, cancel, echo, change notify's request, set info's response), and after
//! a body, the next command of a compound message (`NextCommand`) with the padding
//! before it, as `_SMB2_Payload` reads them. The bodies Scapy reads through its
//! NTLM-style payload fields (SMB 1 negotiate, session setup and transactions with
//! their mailslot and browser messages; SMB 2 negotiate, session setup, tree
//! connect's request, create, read, write's request, ioctl, query and set info, ...)
//! are Raw here.

use std::ops::Range;

use super::field::{
    field, file_time, fixed, hex, zero_defaults, Field, Format, Group, Rest, Spec, Value,
};
use super::{Kind, Walk};

/// An SMB header or message, in Scapy's class for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Generic,
    Header1,
    Header2,
    ErrorResponse2,
    Body2(Body),
    Transform,
    CompressionTransform,
}

/// An SMB 2 command's body that Scapy reads with fixed fields, in its class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body {
    LogoffRequest,
    LogoffResponse,
    TreeConnectResponse,
    TreeDisconnectRequest,
    TreeDisconnectResponse,
    CloseRequest,
    CloseResponse,
    WriteResponse,
    CancelRequest,
    EchoRequest,
    EchoResponse,
    ChangeNotifyRequest,
    SetInfoResponse,
}

impl Body {
    /// Scapy's class and layer names (its names, typos included).
    fn names(self) -> (&'static str, &'static str) {
        match self {
            Body::LogoffRequest => ("SMB2_Session_Logoff_Request", "SMB2 LOGOFF Request"),
            Body::LogoffResponse => ("SMB2_Session_Logoff_Response", "SMB2 LOGOFF Request"),
            Body::TreeConnectResponse => {
                ("SMB2_Tree_Connect_Response", "SMB2 TREE_CONNECT Response")
            }
            Body::TreeDisconnectRequest => (
                "SMB2_Tree_Disconnect_Request",
                "SMB2 TREE_DISCONNECT Request",
            ),
            Body::TreeDisconnectResponse => (
                "SMB2_Tree_Disconnect_Response",
                "SMB2 TREE_DISCONNECT Response",
            ),
            Body::CloseRequest => ("SMB2_Close_Request", "SMB2 CLOSE Request"),
            Body::CloseResponse => ("SMB2_Close_Response", "SMB2 CLOSE Response"),
            Body::WriteResponse => ("SMB2_Write_Response", "SMB2 WRITE Response"),
            Body::CancelRequest => ("SMB2_Cancel_Request", "SMB2 CANCEL Request"),
            Body::EchoRequest => ("SMB2_Echo_Request", "SMB2 ECHO Request"),
            Body::EchoResponse => ("SMB2_Echo_Response", "SMB2 ECHO Response"),
            Body::ChangeNotifyRequest => {
                ("SMB2_Change_Notify_Request", "SMB2 CHANGE NOTIFY Request")
            }
            Body::SetInfoResponse => ("SMB2_Set_Info_Response", "SMB2 SET INFO Request"),
        }
    }

    /// Its fields: those before a file id, the file id's offset (a sub-packet of 16
    /// bytes), those after it, and the body's length.
    fn layout(self) -> (&'static [Spec], Option<usize>, &'static [Spec], usize) {
        match self {
            Body::LogoffRequest | Body::LogoffResponse => (&LOGOFF, None, &[], 4),
            Body::TreeConnectResponse => (&TREE_CONNECT_RESPONSE, None, &[], 16),
            Body::TreeDisconnectRequest | Body::TreeDisconnectResponse => {
                (&TREE_DISCONNECT, None, &[], 4)
            }
            Body::CloseRequest => (&CLOSE_HEAD, Some(8), &[], 24),
            Body::CloseResponse => (&CLOSE_RESPONSE, None, &[], 60),
            Body::WriteResponse => (&WRITE_RESPONSE, None, &[], 16),
            Body::CancelRequest | Body::EchoRequest | Body::EchoResponse => {
                (&RESERVED_BODY, None, &[], 4)
            }
            Body::ChangeNotifyRequest => (&CHANGE_NOTIFY_HEAD, Some(8), &CHANGE_NOTIFY_TAIL, 32),
            Body::SetInfoResponse => (&SET_INFO_RESPONSE, None, &[], 2),
        }
    }

    /// The class `SMB2_Header.guess_payload_class` picks for a command (after its
    /// error test), when it is one of these.
    fn of(command: u64, from_server: bool) -> Option<Body> {
        Some(match (command, from_server) {
            (0x02, false) => Body::LogoffRequest,
            (0x02, true) => Body::LogoffResponse,
            (0x03, true) => Body::TreeConnectResponse,
            (0x04, false) => Body::TreeDisconnectRequest,
            (0x04, true) => Body::TreeDisconnectResponse,
            (0x06, false) => Body::CloseRequest,
            (0x06, true) => Body::CloseResponse,
            (0x09, true) => Body::WriteResponse,
            // Scapy reads a cancel as a request whoever sends it.
            (0x0c, _) => Body::CancelRequest,
            (0x0d, false) => Body::EchoRequest,
            (0x0d, true) => Body::EchoResponse,
            (0x0f, false) => Body::ChangeNotifyRequest,
            (0x11, true) => Body::SetInfoResponse,
            _ => return None,
        })
    }
}

impl Class {
    pub(super) fn names(self) -> (&'static str, &'static str) {
        match self {
            Class::Generic => ("_SMBGeneric", "SMB Generic dispatcher"),
            Class::Header1 => ("SMB_Header", "SMB 1 Protocol Request Header"),
            Class::Header2 => ("SMB2_Header", "SMB2 Header"),
            Class::ErrorResponse2 => ("SMB2_Error_Response", "SMB2 Error Response"),
            Class::Body2(body) => body.names(),
            Class::Transform => ("SMB2_Transform_Header", "SMB2 Transform Header"),
            Class::CompressionTransform => (
                "SMB2_Compression_Transform_Header",
                "SMB2 Compression Transform Header",
            ),
        }
    }

    /// The class `_SMBGeneric.dispatch_hook` picks for the bytes at `at`, and its
    /// fixed length.
    fn of(data: &[u8], at: usize, end: usize) -> (Class, usize) {
        match data.get(at..at + 4).filter(|_| end >= at + 4) {
            Some(b"\xffSMB") => (Class::Header1, 32),
            Some(b"\xfeSMB") => (Class::Header2, 64),
            Some(b"\xfdSMB") => (Class::Transform, 52),
            Some(b"\xfcSMB") => (Class::CompressionTransform, 16),
            _ => (Class::Generic, 4),
        }
    }
}

const START: Spec = Spec::new("Start", 0, 4, Format::Bytes);

const HEADER1: [Spec; 12] = [
    START,
    Spec::new("Command", 4, 1, Format::Enum(command1)),
    Spec::new("Status", 5, 4, Format::LeEnum(status)),
    Spec::new(
        "Flags",
        9,
        1,
        Format::Flags(
            &[
                "LOCK_AND_READ_OK",
                "BUF_AVAIL",
                "res",
                "CASE_INSENSITIVE",
                "CANONICALIZED_PATHS",
                "OPLOCK",
                "OPBATCH",
                "REPLY",
            ],
            "+",
        ),
    ),
    Spec::new(
        "Flags2",
        10,
        2,
        Format::LeFlags(
            &[
                "LONG_NAMES",
                "EAS",
                "SMB_SECURITY_SIGNATURE",
                "COMPRESSED",
                "SMB_SECURITY_SIGNATURE_REQUIRED",
                "res",
                "IS_LONG_NAME",
                "res",
                "res",
                "res",
                "REPARSE_PATH",
                "EXTENDED_SECURITY",
                "DFS",
                "PAGING_IO",
                "NT_STATUS",
                "UNICODE",
            ],
            "+",
        ),
    ),
    Spec::new("PIDHigh", 12, 2, Format::LeInt),
    Spec::new("SecuritySignature", 14, 8, Format::Bytes),
    Spec::new("Reserved", 22, 2, Format::LeInt),
    Spec::new("TID", 24, 2, Format::LeInt),
    Spec::new("PIDLow", 26, 2, Format::LeInt),
    Spec::new("UID", 28, 2, Format::LeInt),
    Spec::new("MID", 30, 2, Format::LeInt),
];

/// SMB 2's flag bits.
const FLAGS2: [&str; 32] = flag_names(&[
    (0, "SMB2_FLAGS_SERVER_TO_REDIR"),
    (1, "SMB2_FLAGS_ASYNC_COMMAND"),
    (2, "SMB2_FLAGS_RELATED_OPERATIONS"),
    (3, "SMB2_FLAGS_SIGNED"),
    (28, "SMB2_FLAGS_DFS_OPERATIONS"),
    (29, "SMB2_FLAGS_REPLAY_OPERATION"),
]);
const SERVER_TO_REDIR: u64 = 0x1;
const ASYNC_COMMAND: u64 = 0x2;
const STATUS2: Spec = Spec::new("Status", 8, 4, Format::LeEnum(status));
const COMMAND2: Spec = Spec::new("Command", 12, 2, Format::LeEnum(command2));
const FLAGS2_FIELD: Spec = Spec::new("Flags", 16, 4, Format::LeFlags(&FLAGS2, "+"));
const NEXT_COMMAND: Spec = Spec::new("NextCommand", 20, 4, Format::LeHex);
const HEADER2: [Spec; 9] = [
    START,
    Spec::new("StructureSize", 4, 2, Format::LeInt),
    Spec::new("CreditCharge", 6, 2, Format::LeInt),
    STATUS2,
    COMMAND2,
    Spec::new("CreditRequest", 14, 2, Format::LeInt),
    FLAGS2_FIELD,
    NEXT_COMMAND,
    Spec::new("MID", 24, 8, Format::LeInt),
];
const ASYNC: [Spec; 1] = [Spec::new("AsyncId", 32, 8, Format::LeInt)];
const SYNC: [Spec; 2] = [
    Spec::new("PID", 32, 4, Format::LeInt),
    Spec::new("TID", 36, 4, Format::LeInt),
];
/// The session id and the signature, from byte 40 of the header on.
const HEADER2_TAIL_AT: usize = 40;
const HEADER2_TAIL: [Spec; 2] = [
    Spec::new("SessionId", 0, 8, Format::LeInt),
    Spec::new("SecuritySignature", 8, 16, Format::HexBytes),
];
/// A status with a command whose response is not an error response
/// (`SMB2_Header._SMB2_OK_RETURNCODES`: more processing, buffer overflows, ...).
const OK_STATUSES: [(u64, u64); 6] = [
    (0xc000_0016, 0x0001),
    (0x8000_0005, 0x0008),
    (0x8000_0005, 0x0010),
    (0x8000_0005, 0x000b),
    (0xc000_000d, 0x000b),
    (0x0000_010c, 0x000f),
];

const ERROR_RESPONSE: [Spec; 4] = [
    Spec::new("StructureSize", 0, 2, Format::LeHex),
    Spec::new("ErrorContextCount", 2, 1, Format::Int),
    Spec::new("Reserved", 3, 1, Format::Int),
    Spec::new("ByteCount", 4, 4, Format::LeInt),
];
const ERROR_RESPONSE_HEAD: usize = 8;

const STRUCTURE_SIZE: Spec = Spec::new("StructureSize", 0, 2, Format::LeHex);
const LOGOFF: [Spec; 2] = [STRUCTURE_SIZE, Spec::new("reserved", 2, 2, Format::Int)];
const TREE_DISCONNECT: [Spec; 2] = [STRUCTURE_SIZE, Spec::new("Reserved", 2, 2, Format::LeHex)];
const RESERVED_BODY: [Spec; 2] = [STRUCTURE_SIZE, Spec::new("Reserved", 2, 2, Format::LeInt)];
const SET_INFO_RESPONSE: [Spec; 1] = [STRUCTURE_SIZE];
const TREE_CONNECT_RESPONSE: [Spec; 6] = [
    STRUCTURE_SIZE,
    Spec::new("ShareType", 2, 1, Format::Enum(share_type)),
    Spec::new("Reserved", 3, 1, Format::Int),
    Spec::new("ShareFlags", 4, 4, Format::LeFlags(&SHARE_FLAGS, "+")),
    Spec::new(
        "Capabilities",
        8,
        4,
        Format::LeFlags(&SHARE_CAPABILITIES, "+"),
    ),
    Spec::new("MaximalAccess", 12, 4, Format::LeFlags(&ACCESS_MASK, "+")),
];
const CLOSE_FLAGS: Spec = Spec::new(
    "Flags",
    2,
    2,
    Format::LeFlags(&["SMB2_CLOSE_FLAG_POSTQUERY_ATTRIB"], "+"),
);
const CLOSE_HEAD: [Spec; 3] = [
    STRUCTURE_SIZE,
    CLOSE_FLAGS,
    Spec::new("Reserved", 4, 4, Format::LeInt),
];
const CLOSE_RESPONSE: [Spec; 10] = [
    STRUCTURE_SIZE,
    CLOSE_FLAGS,
    Spec::new("Reserved", 4, 4, Format::LeInt),
    Spec::new("CreationTime", 8, 8, Format::LeInt),
    Spec::new("LastAccessTime", 16, 8, Format::LeInt),
    Spec::new("LastWriteTime", 24, 8, Format::LeInt),
    Spec::new("ChangeTime", 32, 8, Format::LeInt),
    Spec::new("AllocationSize", 40, 8, Format::LeInt),
    Spec::new("EndOfFile", 48, 8, Format::LeInt),
    Spec::new(
        "FileAttributes",
        56,
        4,
        Format::LeFlags(&FILE_ATTRIBUTES, "+"),
    ),
];
/// CLOSE_RESPONSE's times (Windows FILETIMEs), shown as dates.
const CLOSE_TIMES: Range<usize> = 3..7;
const WRITE_RESPONSE: [Spec; 6] = [
    STRUCTURE_SIZE,
    Spec::new("Reserved", 2, 2, Format::LeInt),
    Spec::new("Count", 4, 4, Format::LeInt),
    Spec::new("Remaining", 8, 4, Format::LeInt),
    Spec::new("WriteChannelInfoBufferOffset", 12, 2, Format::LeInt),
    Spec::new("WriteChannelInfoLen", 14, 2, Format::LeInt),
];
const CHANGE_NOTIFY_HEAD: [Spec; 3] = [
    STRUCTURE_SIZE,
    Spec::new("Flags", 2, 2, Format::LeFlags(&WATCH_FLAGS, "+")),
    Spec::new("OutputBufferLength", 4, 4, Format::LeInt),
];
const CHANGE_NOTIFY_TAIL: [Spec; 2] = [
    Spec::new(
        "CompletionFilter",
        24,
        4,
        Format::LeFlags(&COMPLETION_FILTER, "+"),
    ),
    Spec::new("Reserved", 28, 4, Format::LeInt),
];
/// `SMB2_FILEID`: a sub-packet of two numbers.
const FILE_ID: [Spec; 2] = [
    Spec::new("Persistent", 0, 8, Format::LeHex),
    Spec::new("Volatile", 8, 8, Format::LeHex),
];
const FILE_ID_LENGTH: usize = 16;

fn share_type(number: u64) -> Option<&'static str> {
    Some(match number {
        1 => "DISK",
        2 => "PIPE",
        3 => "PRINT",
        _ => return None,
    })
}

/// Flag names by bit; the unnamed ones (`""`) show as Scapy's `bit_N`.
const fn flag_names<const N: usize>(named: &[(usize, &'static str)]) -> [&'static str; N] {
    let mut names = [""; N];
    let mut i = 0;
    while i < named.len() {
        names[named[i].0] = named[i].1;
        i += 1;
    }
    names
}

const SHARE_FLAGS: [&str; 32] = flag_names(&[
    (0, "DFS"),
    (1, "DFS_ROOT"),
    (4, "AUTO_CACHING"),
    (5, "NO_CACHING"),
    (8, "RESTRICT_EXCLUSIVE_OPENS"),
    (9, "FORCE_SHARED_DELETE"),
    (10, "ALLOW_NAMESPACE_CACHING"),
    (11, "ACCESS_BASED_DIRECTORY_ENUM"),
    (12, "FORCE_LEVELII_OPLOCK"),
    (13, "ENABLE_HASH_V1"),
    (14, "ENABLE_HASH_V2"),
    (15, "ENCRYPT_DATA"),
    (18, "IDENTITY_REMOTING"),
    (20, "COMPRESS_DATA"),
]);
const SHARE_CAPABILITIES: [&str; 32] = flag_names(&[
    (3, "DFS"),
    (4, "CONTINUOUS_AVAILABILITY"),
    (5, "SCALEOUT"),
    (6, "CLUSTER"),
    (7, "ASYMMETRIC"),
    (8, "REDIRECT_TO_OWNER"),
]);
const ACCESS_MASK: [&str; 32] = flag_names(&[
    (0, "FILE_READ_DATA"),
    (1, "FILE_WRITE_DATA"),
    (2, "FILE_APPEND_DATA"),
    (3, "FILE_READ_EA"),
    (4, "FILE_WRITE_EA"),
    (5, "FILE_EXECUTE"),
    (6, "FILE_DELETE_CHILD"),
    (7, "FILE_READ_ATTRIBUTES"),
    (8, "FILE_WRITE_ATTRIBUTES"),
    (16, "DELETE"),
    (17, "READ_CONTROL"),
    (18, "WRITE_DAC"),
    (19, "WRITE_OWNER"),
    (20, "SYNCHRONIZE"),
    (24, "ACCESS_SYSTEM_SECURITY"),
    (25, "MAXIMUM_ALLOWED"),
    (28, "GENERIC_ALL"),
    (29, "GENERIC_EXECUTE"),
    (30, "GENERIC_WRITE"),
    (31, "GENERIC_READ"),
]);
const FILE_ATTRIBUTES: [&str; 32] = flag_names(&[
    (0, "FILE_ATTRIBUTE_READONLY"),
    (1, "FILE_ATTRIBUTE_HIDDEN"),
    (2, "FILE_ATTRIBUTE_SYSTEM"),
    (4, "FILE_ATTRIBUTE_DIRECTORY"),
    (5, "FILE_ATTRIBUTE_ARCHIVE"),
    (7, "FILE_ATTRIBUTE_NORMAL"),
    (8, "FILE_ATTRIBUTE_TEMPORARY"),
    (9, "FILE_ATTRIBUTE_SPARSE_FILE"),
    (10, "FILE_ATTRIBUTE_REPARSE_POINT"),
    (11, "FILE_ATTRIBUTE_COMPRESSED"),
    (12, "FILE_ATTRIBUTE_OFFLINE"),
    (13, "FILE_ATTRIBUTE_NOT_CONTENT_INDEXED"),
    (14, "FILE_ATTRIBUTE_ENCRYPTED"),
    (15, "FILE_ATTRIBUTE_INTEGRITY_STREAM"),
    (17, "FILE_ATTRIBUTE_NO_SCRUB_DATA"),
    (18, "FILE_ATTRIBUTE_RECALL_ON_OPEN"),
    (19, "FILE_ATTRIBUTE_PINNED"),
    (20, "FILE_ATTRIBUTE_UNPINNED"),
    (22, "FILE_ATTRIBUTE_RECALL_ON_DATA_ACCESS"),
]);
const WATCH_FLAGS: [&str; 16] = flag_names(&[(0, "SMB2_WATCH_TREE")]);
const COMPLETION_FILTER: [&str; 32] = flag_names(&[
    (0, "FILE_NOTIFY_CHANGE_FILE_NAME"),
    (1, "FILE_NOTIFY_CHANGE_DIR_NAME"),
    (2, "FILE_NOTIFY_CHANGE_ATTRIBUTES"),
    (3, "FILE_NOTIFY_CHANGE_SIZE"),
    (4, "FILE_NOTIFY_CHANGE_LAST_WRITE"),
    (5, "FILE_NOTIFY_CHANGE_LAST_ACCESS"),
    (6, "FILE_NOTIFY_CHANGE_CREATION"),
    (7, "FILE_NOTIFY_CHANGE_EA"),
    (8, "FILE_NOTIFY_CHANGE_SECURITY"),
    (9, "FILE_NOTIFY_CHANGE_STREAM_NAME"),
    (10, "FILE_NOTIFY_CHANGE_STREAM_SIZE"),
    (11, "FILE_NOTIFY_CHANGE_STREAM_WRITE"),
]);

const TRANSFORM: [Spec; 7] = [
    START,
    Spec::new("Signature", 4, 16, Format::HexBytes),
    Spec::new("Nonce", 20, 16, Format::HexBytes),
    Spec::new("OriginalMessageSize", 36, 4, Format::LeInt),
    Spec::new("Reserved", 40, 2, Format::LeInt),
    Spec::new("Flags", 42, 2, Format::LeEnum(transform_flags)),
    Spec::new("SessionId", 44, 8, Format::LeInt),
];
const COMPRESSION_TRANSFORM: [Spec; 5] = [
    START,
    Spec::new("OriginalCompressedSegmentSize", 4, 4, Format::LeInt),
    Spec::new("CompressionAlgorithm", 8, 2, Format::LeEnum(compression)),
    Spec::new("Flags", 10, 2, Format::LeEnum(compression_flags)),
    Spec::new("Offset_or_Length", 12, 4, Format::LeHex),
];

fn transform_flags(number: u64) -> Option<&'static str> {
    (number == 1).then_some("ENCRYPTED")
}

fn compression(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "None",
        1 => "LZNT1",
        2 => "LZ77",
        3 => "LZ77 + Huffman",
        4 => "Pattern_V1",
        _ => return None,
    })
}

fn compression_flags(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "SMB2_COMPRESSION_FLAG_NONE",
        1 => "SMB2_COMPRESSION_FLAG_CHAINED",
        _ => return None,
    })
}

fn command2(number: u64) -> Option<&'static str> {
    const NAMES: [&str; 19] = [
        "SMB2_NEGOTIATE",
        "SMB2_SESSION_SETUP",
        "SMB2_LOGOFF",
        "SMB2_TREE_CONNECT",
        "SMB2_TREE_DISCONNECT",
        "SMB2_CREATE",
        "SMB2_CLOSE",
        "SMB2_FLUSH",
        "SMB2_READ",
        "SMB2_WRITE",
        "SMB2_LOCK",
        "SMB2_IOCTL",
        "SMB2_CANCEL",
        "SMB2_ECHO",
        "SMB2_QUERY_DIRECTORY",
        "SMB2_CHANGE_NOTIFY",
        "SMB2_QUERY_INFO",
        "SMB2_SET_INFO",
        "SMB2_OPLOCK_BREAK",
    ];
    NAMES.get(usize::try_from(number).ok()?).copied()
}

fn command1(number: u64) -> Option<&'static str> {
    Some(match number {
        0x00 => "SMB_COM_CREATE_DIRECTORY",
        0x01 => "SMB_COM_DELETE_DIRECTORY",
        0x02 => "SMB_COM_OPEN",
        0x03 => "SMB_COM_CREATE",
        0x04 => "SMB_COM_CLOSE",
        0x05 => "SMB_COM_FLUSH",
        0x06 => "SMB_COM_DELETE",
        0x07 => "SMB_COM_RENAME",
        0x08 => "SMB_COM_QUERY_INFORMATION",
        0x09 => "SMB_COM_SET_INFORMATION",
        0x0a => "SMB_COM_READ",
        0x0b => "SMB_COM_WRITE",
        0x0c => "SMB_COM_LOCK_BYTE_RANGE",
        0x0d => "SMB_COM_UNLOCK_BYTE_RANGE",
        0x0e => "SMB_COM_CREATE_TEMPORARY",
        0x0f => "SMB_COM_CREATE_NEW",
        0x10 => "SMB_COM_CHECK_DIRECTORY",
        0x11 => "SMB_COM_PROCESS_EXIT",
        0x12 => "SMB_COM_SEEK",
        0x13 => "SMB_COM_LOCK_AND_READ",
        0x14 => "SMB_COM_WRITE_AND_UNLOCK",
        0x1a => "SMB_COM_READ_RAW",
        0x1b => "SMB_COM_READ_MPX",
        0x1c => "SMB_COM_READ_MPX_SECONDARY",
        0x1d => "SMB_COM_WRITE_RAW",
        0x1e => "SMB_COM_WRITE_MPX",
        0x1f => "SMB_COM_WRITE_MPX_SECONDARY",
        0x20 => "SMB_COM_WRITE_COMPLETE",
        0x21 => "SMB_COM_QUERY_SERVER",
        0x22 => "SMB_COM_SET_INFORMATION2",
        0x23 => "SMB_COM_QUERY_INFORMATION2",
        0x24 => "SMB_COM_LOCKING_ANDX",
        0x25 => "SMB_COM_TRANSACTION",
        0x26 => "SMB_COM_TRANSACTION_SECONDARY",
        0x27 => "SMB_COM_IOCTL",
        0x28 => "SMB_COM_IOCTL_SECONDARY",
        0x29 => "SMB_COM_COPY",
        0x2a => "SMB_COM_MOVE",
        0x2b => "SMB_COM_ECHO",
        0x2c => "SMB_COM_WRITE_AND_CLOSE",
        0x2d => "SMB_COM_OPEN_ANDX",
        0x2e => "SMB_COM_READ_ANDX",
        0x2f => "SMB_COM_WRITE_ANDX",
        0x30 => "SMB_COM_NEW_FILE_SIZE",
        0x31 => "SMB_COM_CLOSE_AND_TREE_DISC",
        0x32 => "SMB_COM_TRANSACTION2",
        0x33 => "SMB_COM_TRANSACTION2_SECONDARY",
        0x34 => "SMB_COM_FIND_CLOSE2",
        0x35 => "SMB_COM_FIND_NOTIFY_CLOSE",
        0x70 => "SMB_COM_TREE_CONNECT",
        0x71 => "SMB_COM_TREE_DISCONNECT",
        0x72 => "SMB_COM_NEGOTIATE",
        0x73 => "SMB_COM_SESSION_SETUP_ANDX",
        0x74 => "SMB_COM_LOGOFF_ANDX",
        0x75 => "SMB_COM_TREE_CONNECT_ANDX",
        0x7e => "SMB_COM_SECURITY_PACKAGE_ANDX",
        0x80 => "SMB_COM_QUERY_INFORMATION_DISK",
        0x81 => "SMB_COM_SEARCH",
        0x82 => "SMB_COM_FIND",
        0x83 => "SMB_COM_FIND_UNIQUE",
        0x84 => "SMB_COM_FIND_CLOSE",
        0xa0 => "SMB_COM_NT_TRANSACT",
        0xa1 => "SMB_COM_NT_TRANSACT_SECONDARY",
        0xa2 => "SMB_COM_NT_CREATE_ANDX",
        0xa4 => "SMB_COM_NT_CANCEL",
        0xa5 => "SMB_COM_NT_RENAME",
        0xc0 => "SMB_COM_OPEN_PRINT_FILE",
        0xc1 => "SMB_COM_WRITE_PRINT_FILE",
        0xc2 => "SMB_COM_CLOSE_PRINT_FILE",
        0xc3 => "SMB_COM_GET_PRINT_QUEUE",
        0xd8 => "SMB_COM_READ_BULK",
        0xd9 => "SMB_COM_WRITE_BULK",
        0xda => "SMB_COM_WRITE_BULK_DATA",
        0xfe => "SMB_COM_INVALID",
        0xff => "SMB_COM_NO_ANDX_COMMAND",
        _ => return None,
    })
}

/// Scapy's `STATUS_ERREF`: NT status codes and the Win32 errors it lists with them.
fn status(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "STATUS_SUCCESS",
        2 => "ERROR_FILE_NOT_FOUND",
        3 => "ERROR_PATH_NOT_FOUND",
        5 => "ERROR_ACCESS_DENIED",
        6 => "ERROR_INVALID_HANDLE",
        17 => "ERROR_NOT_SAME_DEVICE",
        19 => "ERROR_WRITE_PROTECT",
        87 => "ERROR_INVALID_PARAMETER",
        122 => "ERROR_INSUFFICIENT_BUFFER",
        123 => "ERROR_INVALID_NAME",
        161 => "ERROR_BAD_PATHNAME",
        183 => "ERROR_ALREADY_EXISTS",
        234 => "ERROR_MORE_DATA",
        259 => "STATUS_PENDING",
        267 => "STATUS_NOTIFY_CLEANUP",
        268 => "STATUS_NOTIFY_ENUM_DIR",
        998 => "ERROR_NOACCESS",
        1330 => "ERROR_PASSWORD_EXPIRED",
        1331 => "ERROR_ACCOUNT_DISABLED",
        1783 => "ERROR_SUBKEY_NOT_FOUND",
        1790 => "ERROR_TRUST_FAILURE",
        0x8000_0005 => "STATUS_BUFFER_OVERFLOW",
        0x8000_0006 => "STATUS_NO_MORE_FILES",
        0x8000_002d => "STATUS_STOPPED_ON_SYMLINK",
        0x8007_0005 => "E_ACCESSDENIED",
        0x8007_000e => "E_OUTOFMEMORY",
        0x8009_0308 => "SEC_E_INVALID_TOKEN",
        0x8009_030c => "SEC_E_LOGON_DENIED",
        0x8009_030f => "SEC_E_MESSAGE_ALTERED",
        0x8009_0310 => "SEC_E_OUT_OF_SEQUENCE",
        0x8009_0346 => "SEC_E_BAD_BINDINGS",
        0x8009_0351 => "SEC_E_SMARTCARD_CERT_REVOKED",
        0xc000_0003 => "STATUS_INVALID_INFO_CLASS",
        0xc000_0004 => "STATUS_INFO_LENGTH_MISMATCH",
        0xc000_000d => "STATUS_INVALID_PARAMETER",
        0xc000_000f => "STATUS_NO_SUCH_FILE",
        0xc000_0016 => "STATUS_MORE_PROCESSING_REQUIRED",
        0xc000_0022 => "STATUS_ACCESS_DENIED",
        0xc000_0033 => "STATUS_OBJECT_NAME_INVALID",
        0xc000_0034 => "STATUS_OBJECT_NAME_NOT_FOUND",
        0xc000_0043 => "STATUS_SHARING_VIOLATION",
        0xc000_0061 => "STATUS_PRIVILEGE_NOT_HELD",
        0xc000_0064 => "STATUS_NO_SUCH_USER",
        0xc000_006a => "STATUS_WRONG_PASSWORD",
        0xc000_006d => "STATUS_LOGON_FAILURE",
        0xc000_006e => "STATUS_ACCOUNT_RESTRICTION",
        0xc000_0070 => "STATUS_INVALID_WORKSTATION",
        0xc000_0071 => "STATUS_PASSWORD_EXPIRED",
        0xc000_0072 => "STATUS_ACCOUNT_DISABLED",
        0xc000_009a => "STATUS_INSUFFICIENT_RESOURCES",
        0xc000_00b0 => "STATUS_PIPE_DISCONNECTED",
        0xc000_00ba => "STATUS_FILE_IS_A_DIRECTORY",
        0xc000_00bb => "STATUS_NOT_SUPPORTED",
        0xc000_00c9 => "STATUS_NETWORK_NAME_DELETED",
        0xc000_00cc => "STATUS_BAD_NETWORK_NAME",
        0xc000_0120 => "STATUS_CANCELLED",
        0xc000_0122 => "STATUS_INVALID_COMPUTER_NAME",
        0xc000_0128 => "STATUS_FILE_CLOSED",
        0xc000_015b => "STATUS_LOGON_TYPE_NOT_GRANTED",
        0xc000_018b => "STATUS_NO_TRUST_SAM_ACCOUNT",
        0xc000_019c => "STATUS_FS_DRIVER_REQUIRED",
        0xc000_0203 => "STATUS_USER_SESSION_DELETED",
        0xc000_020c => "STATUS_CONNECTION_DISCONNECTED",
        0xc000_0224 => "STATUS_PASSWORD_MUST_CHANGE",
        0xc000_0225 => "STATUS_NOT_FOUND",
        0xc000_0257 => "STATUS_PATH_NOT_COVERED",
        0xc000_026e => "STATUS_VOLUME_DISMOUNTED",
        0xc000_02fb => "STATUS_KDC_INVALID_REQUEST",
        0xc000_035c => "STATUS_NETWORK_SESSION_EXPIRED",
        _ => return None,
    })
}

/// SMB at `at` (a NetBIOS payload, to `end`), if there are bytes: a header cut short
/// is Raw (Scapy's fields raise), the bytes after an SMB 1 or transform header Raw.
pub(super) fn dissect(walk: &mut Walk, at: usize, end: usize) {
    if at >= end {
        return;
    }
    let (class, length) = Class::of(walk.data, at, end);
    if class == Class::Header2 {
        return header2(walk, at, end);
    }
    let header_end = (at + length).min(end);
    let needed = if class == Class::Generic { 0 } else { length };
    if header_end < at + needed {
        return walk.raw(at, end);
    }
    walk.push(Kind::Smb(class), at..header_end);
    walk.raw(header_end, end);
}

/// An SMB 2 header at `at` (also where a compound message's next command is read as
/// one, whatever its bytes, as Scapy reads it), then what follows it: a server's
/// error response or a body of fixed fields (else Raw), then, when the header names a
/// next command, the padding to it (Raw, as Python slices it: what the offset leaves
/// for it, even nothing) and that command, as `_SMB2_Payload` reads them.
fn header2(walk: &mut Walk, mut at: usize, end: usize) {
    let data = walk.data;
    loop {
        // A compound message is a chain of layers: bounded as the others.
        if walk.chain_full() {
            return walk.raw(at, end);
        }
        let header_end = (at + 64).min(end);
        // The header ends in its signature, a string that takes what there is.
        if header_end < at + HEADER2_TAIL_AT + HEADER2_TAIL[1].at {
            return walk.raw(at, end);
        }
        walk.push(Kind::Smb(Class::Header2), at..header_end);
        if header_end >= end {
            return;
        }
        let from_server = FLAGS2_FIELD.get(data, at) & SERVER_TO_REDIR != 0;
        let (class, body_end) = if is_error_response(data, at) {
            let head_end = header_end + ERROR_RESPONSE_HEAD;
            if head_end > end {
                return walk.raw(header_end, end);
            }
            let declared = ERROR_RESPONSE[3].get(data, header_end) as usize;
            (
                Class::ErrorResponse2,
                head_end + declared.min(end - head_end),
            )
        } else if let Some(body) = Body::of(COMMAND2.get(data, at), from_server) {
            let (_, file_id, tail, length) = body.layout();
            // A file id last, with no bytes left for it, is Scapy's sub-packet of
            // defaults; otherwise a body cut short raises.
            let ends_at_file_id =
                tail.is_empty() && file_id.is_some_and(|offset| header_end + offset == end);
            let body_end = match header_end + length {
                whole if whole <= end => whole,
                _ if ends_at_file_id => end,
                _ => return walk.raw(header_end, end),
            };
            (Class::Body2(body), body_end)
        } else {
            return walk.raw(header_end, end);
        };
        walk.push(Kind::Smb(class), header_end..body_end);
        let next = NEXT_COMMAND.get(data, at) as i64;
        if next == 0 {
            return walk.raw(body_end, end);
        }
        // `padlen = NextCommand - (64 + len(body))`: `s[:padlen]` is Raw, `s[padlen:]`
        // the next command.
        let left = (end - body_end) as i64;
        let padding = next - 64 - (body_end - header_end) as i64;
        let split = if padding < 0 { left + padding } else { padding }.clamp(0, left);
        let next_at = body_end + split as usize;
        if padding != 0 {
            walk.push(Kind::Raw, body_end..next_at);
        }
        if next_at >= end {
            return;
        }
        at = next_at;
    }
}

/// `SMB2_Header.guess_payload_class`'s first test: a server's reply with a status
/// that is not one of the successes it lists.
fn is_error_response(data: &[u8], at: usize) -> bool {
    let status = STATUS2.get(data, at);
    FLAGS2_FIELD.get(data, at) & SERVER_TO_REDIR != 0
        && status != 0
        && !OK_STATUSES.contains(&(status, COMMAND2.get(data, at)))
}

pub(super) fn fields(data: &[u8], range: Range<usize>, class: Class) -> Vec<Field> {
    let at = range.start;
    match class {
        Class::Generic => vec![field(
            "Start",
            range.clone(),
            Value::Bytes(super::field::trim_nuls(&data[range]).to_vec()),
        )],
        Class::Header1 => fixed(&HEADER1, data, at),
        Class::Header2 => {
            let mut out = fixed(&HEADER2, data, at);
            let ids: &[Spec] = if FLAGS2_FIELD.get(data, at) & ASYNC_COMMAND != 0 {
                &ASYNC
            } else {
                &SYNC
            };
            out.extend(fixed(ids, data, at));
            let mut tail = Rest {
                at: at + HEADER2_TAIL_AT,
                end: range.end,
            };
            out.extend(tail.prefix(data, &HEADER2_TAIL).unwrap_or_default());
            out
        }
        Class::ErrorResponse2 => {
            let mut out = fixed(&ERROR_RESPONSE, data, at);
            let error = at + ERROR_RESPONSE_HEAD..range.end;
            let text = hex(&data[error.clone()]);
            out.push(field("ErrorData", error, Value::Text(text)));
            out
        }
        Class::Body2(body) => body_fields(data, range, body),
        Class::Transform => fixed(&TRANSFORM, data, at),
        Class::CompressionTransform => fixed(&COMPRESSION_TRANSFORM, data, at),
    }
}

/// A body's fields: its file id as Scapy's `SMB2_FILEID` sub-packet, a close
/// response's times as dates.
fn body_fields(data: &[u8], range: Range<usize>, body: Body) -> Vec<Field> {
    let at = range.start;
    let (head, file_id, tail, _) = body.layout();
    let mut out = fixed(head, data, at);
    if body == Body::CloseResponse {
        for field in &mut out[CLOSE_TIMES] {
            if let Some(text) = field.value.number().and_then(file_time) {
                field.value = Value::Named {
                    value: field.value.number().unwrap_or_default(),
                    name: text.into(),
                };
            }
        }
    }
    if let Some(offset) = file_id {
        let start = at + offset;
        let id = start..(start + FILE_ID_LENGTH).min(range.end);
        let fields = if id.len() < FILE_ID_LENGTH {
            zero_defaults(&FILE_ID, start)
        } else {
            fixed(&FILE_ID, data, start)
        };
        let group = Group::new("SMB2_FILEID", id.clone(), fields);
        out.push(field("FileId", id, Value::Packets(vec![group])));
    }
    out.extend(fixed(tail, data, at));
    out
}
