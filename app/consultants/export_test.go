package consultants

// SpecialtyPhrasesForTest are the phrases each built-in specialty is read from in a need.
var SpecialtyPhrasesForTest = specialtyPhrases
