/// Polls `condition` every 10 ms until it holds or `seconds` pass; returns whether it held.
/// For state that changes in another task or process and announces nothing.
public func eventually(seconds: Int64 = 20, _ condition: () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + .seconds(seconds)
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return await condition()
}
