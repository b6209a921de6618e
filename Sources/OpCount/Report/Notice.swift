/// Something a user should know about a count that does not stop it: an assumed input, a
/// proposed backbone end. `subject` says what the user can set to change it, so a front end
/// can name its own option; the message itself names no option.
public struct Notice: Sendable, Hashable, CustomStringConvertible {
    /// What the notice is about.
    public enum Subject: Sendable, Hashable {
        /// An input's shape (nil: the primary input).
        case input(String?)
        /// Where the backbone ends.
        case backboneEnd
    }

    public var message: String
    public var subject: Subject?

    public init(_ message: String, about subject: Subject? = nil) {
        self.message = message
        self.subject = subject
    }

    public var description: String { message }
}
