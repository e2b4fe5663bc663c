/// The kind of a page (`enum PageType`): this writer emits DATA_PAGE (v1) and DICTIONARY_PAGE.
public enum PageType: Int32, Sendable {
    case dataPage = 0
    case indexPage = 1
    case dictionaryPage = 2
    case dataPageV2 = 3
}
