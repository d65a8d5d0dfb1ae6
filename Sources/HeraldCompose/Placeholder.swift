public enum HeraldComposePlaceholder {}
