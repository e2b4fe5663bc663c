/// Whether a schema field is required, optional (nullable) or repeated.
///
/// Every exported column is OPTIONAL (DESIGN §5a): a definition level of 1 marks a value, 0 a NULL.
public enum FieldRepetitionType: Int32, Sendable {
    case required = 0
    case optional = 1
    case repeated = 2
}
