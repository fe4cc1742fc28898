using Fluid;
using Fluid.Ast;

namespace Lodestar.Content;

/// <summary>
/// The variables and filters a parsed template uses, found by walking its syntax tree: every member expression's path
/// of identifiers (<c>customer.tags.vip</c>; an indexer ends the path), minus names the template binds itself
/// (<c>assign</c>, <c>capture</c>, <c>for</c> loop variables, <c>increment</c>). Walking the tree finds a misspelt
/// variable in a branch that a sample model never takes, which rendering alone would miss.
/// </summary>
public sealed record TemplateVariables(IReadOnlySet<string> Paths, IReadOnlySet<string> Filters)
{
    public static TemplateVariables Of(IFluidTemplate template)
    {
        var walker = new Walker();
        walker.VisitTemplate(template);
        var paths = walker.Paths.Where(p => !walker.Locals.Contains(Root(p))).ToHashSet(StringComparer.Ordinal);
        return new TemplateVariables(paths, walker.Filters);
    }

    /// <summary>The first identifier of a path: <c>customer</c> for <c>customer.tags.vip</c>.</summary>
    public static string Root(string path) => path.Split('.')[0];

    private sealed class Walker : AstVisitor
    {
        public HashSet<string> Paths { get; } = new(StringComparer.Ordinal);
        public HashSet<string> Filters { get; } = new(StringComparer.Ordinal);
        public HashSet<string> Locals { get; } = new(StringComparer.Ordinal) { "forloop", "tablerowloop", "empty", "blank", "nil", "null", "true", "false" };

        protected override Expression VisitMemberExpression(MemberExpression memberExpression)
        {
            var names = memberExpression.Segments.TakeWhile(s => s is IdentifierSegment).Cast<IdentifierSegment>().Select(s => s.Identifier).ToList();
            if (names.Count > 0)
            {
                Paths.Add(string.Join('.', names));
            }
            return base.VisitMemberExpression(memberExpression);
        }

        protected override Expression VisitFilterExpression(FilterExpression filterExpression)
        {
            Filters.Add(filterExpression.Name);
            return base.VisitFilterExpression(filterExpression);
        }

        protected override Statement VisitForStatement(ForStatement forStatement)
        {
            Locals.Add(forStatement.Identifier);
            return base.VisitForStatement(forStatement);
        }

        protected override Statement VisitAssignStatement(AssignStatement assignStatement)
        {
            Locals.Add(assignStatement.Identifier);
            return base.VisitAssignStatement(assignStatement);
        }

        protected override Statement VisitCaptureStatement(CaptureStatement captureStatement)
        {
            Locals.Add(captureStatement.Identifier);
            return base.VisitCaptureStatement(captureStatement);
        }

        protected override Statement VisitIncrementStatement(IncrementStatement incrementStatement)
        {
            Locals.Add(incrementStatement.Identifier);
            return base.VisitIncrementStatement(incrementStatement);
        }

        protected override Statement VisitDecrementStatement(DecrementStatement decrementStatement)
        {
            Locals.Add(decrementStatement.Identifier);
            return base.VisitDecrementStatement(decrementStatement);
        }
    }
}
