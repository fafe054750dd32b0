import Testing

@Test func placeholder_TerminalUITests() {}
