/// One value of the config tree together with its key path, offering typed reads that report
/// problems instead of throwing.
///
/// Every read returns `nil` after reporting when the value does not fit, so a caller can go on with
/// a default and the walk finds every problem in the file in one pass.
struct ConfigNode {
    /// The value at ``path``.
    let value: JSONValue
    /// Where the value is.
    let path: ConfigPath
    /// Where problems go.
    let session: ConfigDecodingSession

    /// Records a problem at this node's path.
    func report(_ message: String) {
        session.report(message, at: path)
    }

    /// Records `expected <expected>, found <what the value is>`.
    func reportWrongType(expected: String) {
        report("expected \(expected), found \(value.kindDescription)")
    }

    /// The node for an array element or object member below this one.
    func child(_ value: JSONValue, key: String) -> ConfigNode {
        ConfigNode(value: value, path: path.appending(key), session: session)
    }

    /// Reads an object whose keys are all listed in `keys`. Any other key is reported as unknown
    /// (listing `keys`), except the keys of `misplaced`, which are reported with their own message.
    /// - Returns: `nil` (after reporting) when the value is not an object.
    func object(keys: [String], misplaced: [String: String] = [:]) -> ConfigObject? {
        guard case .object(let members) = value else {
            reportWrongType(expected: "an object")
            return nil
        }
        let expected = keys.sorted().joined(separator: ", ")
        for key in members.keys.sorted() where !keys.contains(key) {
            session.report(misplaced[key] ?? "unknown key (expected one of: \(expected))", at: path.appending(key))
        }
        return ConfigObject(node: self, members: members.filter { keys.contains($0.key) })
    }

    /// Reads an object with arbitrary keys (such as process names), as nodes sorted by key.
    func members(expected: String = "an object") -> [(key: String, node: ConfigNode)]? {
        guard case .object(let members) = value else {
            reportWrongType(expected: expected)
            return nil
        }
        return members.sorted { $0.key < $1.key }.map { ($0.key, child($0.value, key: $0.key)) }
    }

    /// Reads a string; with `nonEmpty`, an empty one is reported. NUL characters are always
    /// reported: no path, argument or variable can carry them.
    func string(nonEmpty: Bool = true) -> String? {
        guard case .string(let text) = value else {
            reportWrongType(expected: "a string")
            return nil
        }
        if nonEmpty, text.isEmpty {
            report("must not be empty")
            return nil
        }
        if text.unicodeScalars.contains("\0") {
            report("must not contain a NUL character")
            return nil
        }
        return text
    }

    /// Reads `true` or `false`.
    func bool() -> Bool? {
        guard case .bool(let flag) = value else {
            reportWrongType(expected: "a boolean (true or false)")
            return nil
        }
        return flag
    }

    /// Reads a whole number no smaller than `minimum` and no larger than `maximum`; `reason`
    /// explains the minimum in the message.
    func integer(atLeast minimum: Int? = nil, atMost maximum: Int? = nil, reason: String? = nil) -> Int? {
        guard case .integer(let number) = value else {
            reportWrongType(expected: "an integer")
            return nil
        }
        if let minimum, number < minimum {
            report("must be at least \(minimum)" + (reason.map { " (\($0))" } ?? "") + ", found \(number)")
            return nil
        }
        if let maximum, number > maximum {
            report("must be at most \(maximum), found \(number)")
            return nil
        }
        return number
    }

    /// Reads a duration string such as `"250ms"`, `"10s"`, `"1h30m"`. A bare number is reported
    /// with the string to write instead. With `positive`, zero is reported.
    func duration(positive: Bool = false) -> Duration? {
        let expected = "a duration string such as \"10s\""
        switch value {
        case .string(let text):
            do {
                let duration = try Duration(parsing: text)
                if positive, duration == .zero {
                    report("must be longer than 0s")
                    return nil
                }
                return duration
            } catch {
                report(error.description)
                return nil
            }
        case .integer(let number):
            report("expected \(expected), found a number (\(number)); write \"\(number)s\"")
        case .number(let number):
            let rendered = JSONValue.render(number)
            report("expected \(expected), found a number (\(rendered)); write \"\(rendered)s\"")
        default:
            reportWrongType(expected: expected)
        }
        return nil
    }

    /// Reads an argv: a non-empty array of non-empty strings.
    func argv() -> [String]? {
        guard case .array(let elements) = value else {
            if case .string = value {
                report("expected an array of strings (an argv), found \(value.kindDescription); "
                    + "to use a shell, write [\"sh\", \"-c\", \"...\"]")
            } else {
                reportWrongType(expected: "an array of strings (an argv)")
            }
            return nil
        }
        if elements.isEmpty {
            report("must not be empty (expected at least the program to run)")
            return nil
        }
        var arguments: [String] = []
        for (offset, element) in elements.enumerated() {
            let node = ConfigNode(value: element, path: path.appending(index: offset), session: session)
            if let argument = node.string() { arguments.append(argument) }
        }
        return arguments.count == elements.count ? arguments : nil
    }

    /// Applies `parse` to a string value, reporting its ``ConfigValueProblem``.
    func parsedString<Result>(
        expected: String = "a string",
        _ parse: (String) throws(ConfigValueProblem) -> Result
    ) -> Result? {
        guard case .string(let text) = value else {
            reportWrongType(expected: expected)
            return nil
        }
        do {
            return try parse(text)
        } catch {
            report(error.message)
            return nil
        }
    }
}

/// An object read by ``ConfigNode/object(keys:misplaced:)``: its members that are allowed.
struct ConfigObject {
    /// The object's own node.
    let node: ConfigNode
    /// The allowed members present.
    let members: [String: JSONValue]

    /// The member `key`, or `nil` when absent.
    subscript(key: String) -> ConfigNode? {
        members[key].map { node.child($0, key: key) }
    }

    /// The member `key`; when absent, reports it as missing and returns `nil`.
    func required(_ key: String) -> ConfigNode? {
        if let member = self[key] { return member }
        node.session.report("required key is missing", at: node.path.appending(key))
        return nil
    }

    /// Whether `key` is present.
    func contains(_ key: String) -> Bool { members[key] != nil }
}
