/// The Linux errno values the host objects return, with their asm-generic numbers.
public enum Errno: Int32, Sendable, CaseIterable, CustomStringConvertible {
    case EPERM = 1
    case ENOENT = 2
    case ESRCH = 3
    case EIO = 5
    case ENXIO = 6
    case E2BIG = 7
    case EBADF = 9
    case EAGAIN = 11
    case ENOMEM = 12
    case EACCES = 13
    case EFAULT = 14
    case EBUSY = 16
    case EEXIST = 17
    case ENODEV = 19
    case EINVAL = 22
    case ENOTTY = 25
    case ENOSPC = 28
    case ERANGE = 34
    case EOVERFLOW = 75
    case EMSGSIZE = 90
    case EOPNOTSUPP = 95
    case EADDRINUSE = 98
    case ETIMEDOUT = 110

    /// `EINVAL` (spelled out: `String(describing:)` would call `description` and recurse).
    public var name: String {
        switch self {
        case .EPERM: return "EPERM"
        case .ENOENT: return "ENOENT"
        case .ESRCH: return "ESRCH"
        case .EIO: return "EIO"
        case .ENXIO: return "ENXIO"
        case .E2BIG: return "E2BIG"
        case .EBADF: return "EBADF"
        case .EAGAIN: return "EAGAIN"
        case .ENOMEM: return "ENOMEM"
        case .EACCES: return "EACCES"
        case .EFAULT: return "EFAULT"
        case .EBUSY: return "EBUSY"
        case .EEXIST: return "EEXIST"
        case .ENODEV: return "ENODEV"
        case .EINVAL: return "EINVAL"
        case .ENOTTY: return "ENOTTY"
        case .ENOSPC: return "ENOSPC"
        case .ERANGE: return "ERANGE"
        case .EOVERFLOW: return "EOVERFLOW"
        case .EMSGSIZE: return "EMSGSIZE"
        case .EOPNOTSUPP: return "EOPNOTSUPP"
        case .EADDRINUSE: return "EADDRINUSE"
        case .ETIMEDOUT: return "ETIMEDOUT"
        }
    }
    /// `-EINVAL (22)`, the way kernel people say it.
    public var description: String { "-\(name) (\(rawValue))" }
    /// The strerror text.
    public var meaning: String {
        switch self {
        case .EPERM: return "Operation not permitted"
        case .ENOENT: return "No such file or directory"
        case .ESRCH: return "No such process"
        case .EIO: return "Input/output error"
        case .ENXIO: return "No such device or address"
        case .E2BIG: return "Argument list too long"
        case .EBADF: return "Bad file descriptor"
        case .EAGAIN: return "Resource temporarily unavailable"
        case .ENOMEM: return "Cannot allocate memory"
        case .EACCES: return "Permission denied"
        case .EFAULT: return "Bad address"
        case .EBUSY: return "Device or resource busy"
        case .EEXIST: return "File exists"
        case .ENODEV: return "No such device"
        case .EINVAL: return "Invalid argument"
        case .ENOTTY: return "Inappropriate ioctl for device"
        case .ENOSPC: return "No space left on device"
        case .ERANGE: return "Numerical result out of range"
        case .EOVERFLOW: return "Value too large for defined data type"
        case .EMSGSIZE: return "Message too long"
        case .EOPNOTSUPP: return "Operation not supported"
        case .EADDRINUSE: return "Address already in use"
        case .ETIMEDOUT: return "Connection timed out"
        }
    }

    /// Looks a name up (`EINVAL`, `-EINVAL`, `einval`), for scenario files.
    public init?(name: String) {
        var n = name.uppercased()
        if n.hasPrefix("-") { n.removeFirst() }
        guard let e = Errno.allCases.first(where: { $0.name == n }) else { return nil }
        self = e
    }
}
