/// The version both programs report.
public enum Version {
    public static let string: StaticString = "0.1.0"
}
